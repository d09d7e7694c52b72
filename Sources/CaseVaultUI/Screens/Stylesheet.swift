/// The one stylesheet, served from this origin (the CSP allows no inline style). Colours meet
/// WCAG 2.1 AA: body text #1b1b1b on white 17:1, links #0a4d8c 8.6:1, errors #9b1111 8.4:1,
/// white on #0a4d8c buttons 8.6:1; focus is always visible.
enum Stylesheet {
    static let css = """
    *{box-sizing:border-box}
    body{font-family:system-ui,sans-serif;font-size:1.05rem;line-height:1.5;color:#1b1b1b;background:#fff;margin:0}
    a{color:#0a4d8c}
    a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #b35900;outline-offset:2px}
    .hopp{position:absolute;left:-999px}.hopp:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
    header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.5rem 1rem;border-bottom:2px solid #0a4d8c}
    header ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}
    .hvem{margin:0 0 0 auto}
    main{max-width:60rem;margin:0 auto;padding:1rem}
    button{background:#0a4d8c;color:#fff;border:0;padding:.5rem 1rem;font-size:1rem;border-radius:3px;cursor:pointer}
    .las button{background:#9b1111}
    label{display:block;font-weight:600}label.inline{display:inline}
    input[type=text],select,textarea{font-size:1rem;padding:.4rem;border:2px solid #555;width:100%;max-width:30rem}
    .felt{margin:0 0 1rem}
    .hint{display:block;color:#444}
    .har-feil input,.har-feil select,.har-feil textarea{border-color:#9b1111}
    .feilmelding,.feil{color:#9b1111;font-weight:600;display:block}
    .feilsammendrag{border:3px solid #9b1111;padding:0 1rem;margin-bottom:1rem}
    .melding{border-left:6px solid #1d6b2f;padding:.5rem 1rem;background:#eef6ef}
    .kort{border:1px solid #767676;padding:0 1rem 1rem;margin-bottom:1rem}
    .advarsel{color:#9b1111;font-weight:700}
    dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;white-space:pre-wrap}
    table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #767676;padding:.3rem}
    .meta,.kilde,.forseglet{color:#444}
    .handlinger ul,.sider ul{list-style:none;display:flex;gap:1rem;padding:0}
    .notat input[type=text]{max-width:40rem}
    .beslutning{margin:1rem 0}
    @media print{header,.handlinger,form,.hopp{display:none}body{font-size:11pt}}
    """
}
