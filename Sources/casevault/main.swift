print("casevault")
