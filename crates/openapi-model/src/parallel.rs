//! One way to spread work over the cores: contiguous chunks, results in
//! input order, and a panic on any thread is a panic of the caller (never a
//! half of the work silently missing).

use std::panic::resume_unwind;

/// How many threads to use for `len` items: one per core, but none for work
/// too small to be worth a thread.
fn threads_for(len: usize) -> usize {
    if len < 8 {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(len)
}

/// Calls `f(offset, chunk)` on contiguous chunks of `items`, one per core,
/// where `offset` is the index of the chunk's first item; returns the
/// results in chunk order. A panic in `f` is resumed on the caller's thread.
pub fn par_chunks_mut<T: Send, R: Send>(
    items: &mut [T],
    f: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let threads = threads_for(items.len());
    if threads < 2 {
        return vec![f(0, items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks_mut(size)
            .enumerate()
            .map(|(i, chunk)| scope.spawn(move || f(i * size, chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| resume_unwind(panic)))
            .collect()
    })
}

/// Maps `items` in order, spread over the cores. A panic in `f` is resumed
/// on the caller's thread.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut refs: Vec<&T> = items.iter().collect();
    par_chunks_mut(&mut refs, |_, chunk| {
        chunk.iter().map(|item| f(item)).collect::<Vec<R>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_in_input_order_with_offsets() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(
            par_map(&items, |i| i * 2),
            (0..1000).map(|i| i * 2).collect::<Vec<_>>()
        );
        let mut items = items;
        let offsets = par_chunks_mut(&mut items, |offset, chunk| {
            assert_eq!(chunk[0], offset);
            offset
        });
        assert_eq!(offsets[0], 0);
        assert!(offsets.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_panic_on_another_thread_reaches_the_caller() {
        let items: Vec<usize> = (0..1000).collect();
        let result = std::panic::catch_unwind(|| {
            par_map(&items, |&i| {
                if i == 999 {
                    panic!("item 999");
                }
                i
            })
        });
        assert!(result.is_err(), "the panic of the last chunk was swallowed");
    }
}
