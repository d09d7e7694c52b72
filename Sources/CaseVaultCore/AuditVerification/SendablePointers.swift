/// Raw pointers handed to `concurrentPerform` workers that write disjoint elements.
package struct SendablePointer<T>: @unchecked Sendable {
    package let pointer: UnsafeMutablePointer<T>
    package init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}

struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
    init(_ b: UnsafeBufferPointer<T>) { buffer = b }
}
