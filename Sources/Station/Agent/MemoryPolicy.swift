#if canImport(CMalloc)
import CMalloc
#endif

/// How the long-running agent's heap behaves (glibc malloc), set once at the start of
/// `packstation run`.
///
/// Label pictures are drawn into pixel buffers of up to ~4 MB (a carrier's PNG label decoded for
/// ZPL, text the printer's font lacks rasterized; the kiosk previews did too when they were PNG).
/// With glibc's defaults the mmap threshold rises after the first such buffer is freed, so later
/// ones come from the heap and the freed space stays resident (measured with PNG previews: +11 MiB
/// anonymous memory after 20 labels); and every thread that allocates may get its own 64 MB arena. A fixed
/// threshold (which also stops glibc moving the trim threshold) sends large buffers to mmap,
/// which returns them to the kernel when freed, and two arenas are plenty for a process whose
/// threads mostly sleep (docs/benchmarks.md, "The agent's memory and CPU").
public enum MemoryPolicy {
    public static func applyForLongRunningAgent() {
        #if canImport(CMalloc)
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        #endif
    }
}
