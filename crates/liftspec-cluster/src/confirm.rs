//! Waiting for the stream's confirmations of published batches, side by side.
//!
//! A JetStream publish is confirmed by an answer from the server; the wait for it starts when it
//! is awaited and ends after the context's timeout. Awaited one after another, the answers that
//! a restarted server never sent cost one timeout each, in a row: tens of lost publishes held the
//! edge for minutes while its queue filled and its terminals stalled. Here every confirmation is
//! awaited in a task of its own, so they all time out together, and at most `limit` are
//! outstanding (the publisher waits for room: backpressure, not loss).

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

/// Outstanding confirmations, each awaited on its own, at most a fixed number at once.
#[derive(Debug, Clone)]
pub struct Confirmations {
    room: Arc<Semaphore>,
    limit: usize,
}

impl Confirmations {
    /// At most `limit` confirmations outstanding (at least one).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use liftspec_cluster::confirm::Confirmations;
    /// let confirmations = Confirmations::new(1_024);
    /// let (said, heard) = tokio::sync::oneshot::channel();
    /// confirmations
    ///     .watch(async { Err::<(), _>("timed out") }, move |why| {
    ///         let _ = said.send(why);
    ///     })
    ///     .await;
    /// assert_eq!(heard.await.unwrap(), "timed out");
    /// # });
    /// ```
    pub fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Self {
            room: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }

    /// Waits for room, then awaits `confirmation` in a task of its own; when it fails, `failed`
    /// is called with the reason. Must be called within a tokio runtime.
    pub async fn watch<F, T, E>(
        &self,
        confirmation: F,
        failed: impl FnOnce(String) + Send + 'static,
    ) where
        F: Future<Output = Result<T, E>> + Send + 'static,
        E: Display,
    {
        // The semaphore is never closed, so this only waits.
        let Ok(permit) = self.room.clone().acquire_owned().await else {
            return;
        };
        tokio::spawn(async move {
            if let Err(e) = confirmation.await {
                failed(e.to_string());
            }
            drop(permit);
        });
    }

    /// Confirmations being awaited now.
    pub fn outstanding(&self) -> usize {
        self.limit.saturating_sub(self.room.available_permits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::time::Duration;

    /// A hang guard, not a timing threshold: without side-by-side waiting the answer never comes.
    const GUARD: Duration = Duration::from_secs(30);

    #[tokio::test]
    async fn a_failure_is_reported_while_an_earlier_confirmation_still_waits() {
        let c = Confirmations::new(8);
        // A confirmation whose answer never comes (a publish lost with the server).
        c.watch(std::future::pending::<Result<(), String>>(), |_| {})
            .await;
        let (said, heard) = tokio::sync::oneshot::channel();
        c.watch(async { Err::<(), _>("no responders") }, move |why| {
            let _ = said.send(why);
        })
        .await;
        let why = tokio::time::timeout(GUARD, heard)
            .await
            .expect("the second failure is reported without waiting for the first")
            .unwrap();
        assert_eq!(why, "no responders");
        assert_eq!(c.outstanding(), 1, "the lost one is still awaited");
    }

    #[tokio::test]
    async fn the_publisher_waits_for_room_and_gets_it_when_one_is_answered() {
        let c = Confirmations::new(1);
        let (answer, answered) = tokio::sync::oneshot::channel::<()>();
        c.watch(
            async move { answered.await.map_err(|e| e.to_string()) },
            |_| {},
        )
        .await;
        // Full: the next publish waits (backpressure), it is not dropped.
        let mut next = Box::pin(c.watch(async { Ok::<(), String>(()) }, |_| {}));
        assert!((&mut next).now_or_never().is_none());
        answer.send(()).unwrap();
        tokio::time::timeout(GUARD, next)
            .await
            .expect("room once the first is answered");
    }

    #[tokio::test]
    async fn a_success_calls_nothing() {
        let c = Confirmations::new(2);
        let (said, heard) = tokio::sync::oneshot::channel::<String>();
        c.watch(async { Ok::<u8, String>(1) }, move |why| {
            let _ = said.send(why);
        })
        .await;
        // The callback is dropped unused: the channel closes without a message.
        assert!(tokio::time::timeout(GUARD, heard).await.unwrap().is_err());
        assert_eq!(c.outstanding(), 0);
    }
}
