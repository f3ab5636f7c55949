//! The program's own thread as a worker of rayon's global pool.
//!
//! Ember's CPU work runs on rayon's global pool: burn-flex's multi-threaded matmuls and the
//! independent halves of an update (`rayon::join`: twin critics, actor beside critic). Started
//! from a thread outside the pool, every such call hands its work to the pool's threads and puts
//! the caller to sleep until they finish: on a 2-core machine that is three threads on two cores
//! and two context switches per call. With the caller as one of the pool's workers, it runs one
//! half itself while the other worker takes the other (measured on the 2-core development
//! machine: TD3+BC's update 210-220 → 245-275 steps/s, README "Benchmarks").

/// Makes the calling thread worker 0 of rayon's global pool, which then has one thread per core
/// in all (`RAYON_NUM_THREADS` overrides the count). Call it first thing in `main`, before
/// anything uses rayon; when the pool already exists it changes nothing and returns `false`.
pub fn join_rayon_pool() -> bool {
    rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After joining, this thread is a pool worker, so `rayon::join` runs here without a
    /// hand-off; a second call finds the pool built.
    #[test]
    fn the_caller_becomes_worker_zero() {
        // Test threads share one process: whichever test builds the pool first wins, so this
        // checks the outcome on a thread of its own.
        std::thread::spawn(|| {
            if join_rayon_pool() {
                assert_eq!(rayon::current_thread_index(), Some(0));
                let (a, b) = rayon::join(|| 1, || 2);
                assert_eq!(a + b, 3);
            }
            assert!(!join_rayon_pool());
        })
        .join()
        .unwrap();
    }
}
