//! Bounds each keyring call: it runs on a named thread and the caller waits at most a limit, so
//! a keyring waiting on an unlock prompt nobody can see fails with a reason instead of hanging.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Why a bounded call did not return a result.
pub(super) enum Stall {
    /// It took longer than the limit and is still running.
    TimedOut,
    /// An earlier call timed out and is still blocked, so this one was not started.
    EarlierStillWaiting,
    /// No thread could be started.
    NoThread(std::io::Error),
}

impl Stall {
    /// What to tell the user, given the limit the call had.
    pub(super) fn reason(&self, limit: Duration) -> String {
        let prompt = if has_display() {
            "it is probably waiting for you to answer an unlock prompt"
        } else {
            "it is probably waiting on an unlock prompt, which cannot be shown without a display"
        };
        match self {
            Stall::TimedOut => format!(
                "the keyring did not answer within {} s; {prompt}",
                limit.as_secs()
            ),
            Stall::EarlierStillWaiting => {
                format!("an earlier request to the keyring is still unanswered; {prompt}")
            }
            Stall::NoThread(e) => format!("could not start a thread to talk to the keyring ({e})"),
        }
    }
}

/// The result slot shared by a bounded call and its thread.
struct Slot<T> {
    result: Option<T>,
    abandoned: bool,
}

/// Runs `work` on a named thread and waits at most `limit` for it. A call that times out keeps
/// running (a blocked D-Bus call cannot be cancelled); until it ends, `stalled` is non-zero and
/// later calls fail at once instead of piling up more blocked threads.
pub(super) fn run_bounded<T, F>(
    limit: Option<Duration>,
    stalled: &Arc<AtomicUsize>,
    work: F,
) -> Result<T, Stall>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let Some(limit) = limit else {
        return Ok(work());
    };
    if stalled.load(Ordering::SeqCst) > 0 {
        return Err(Stall::EarlierStillWaiting);
    }
    let shared = Arc::new((
        Mutex::new(Slot {
            result: None,
            abandoned: false,
        }),
        Condvar::new(),
    ));
    let worker_shared = shared.clone();
    let worker_stalled = stalled.clone();
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let result = work();
            let (lock, ready) = &*worker_shared;
            let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.abandoned {
                worker_stalled.fetch_sub(1, Ordering::SeqCst);
            } else {
                slot.result = Some(result);
                ready.notify_one();
            }
        })
        .map_err(Stall::NoThread)?;
    let (lock, ready) = &*shared;
    let slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
    let (mut slot, _) = ready
        .wait_timeout_while(slot, limit, |s| s.result.is_none())
        .unwrap_or_else(PoisonError::into_inner);
    match slot.result.take() {
        Some(result) => Ok(result),
        None => {
            // Marked under the lock, so the worker either already stored its result or will see this.
            slot.abandoned = true;
            stalled.fetch_add(1, Ordering::SeqCst);
            Err(Stall::TimedOut)
        }
    }
}

/// A GUI session can show an unlock prompt; without one, a prompt waits forever.
fn has_display() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty())
            || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
    } else {
        true
    }
}

/// Long enough to type a keyring password into a prompt; short when no prompt can be shown.
pub(super) fn default_timeout() -> Duration {
    if has_display() {
        Duration::from_secs(120)
    } else {
        Duration::from_secs(20)
    }
}
