//! argon2id password hashing, off the async runtime and under a concurrency cap, so a flood of
//! sign-ins queues instead of starving other requests or exhausting memory (each hash holds
//! `memory_kib` of RAM while it runs). The queue itself is bounded in length and in waiting
//! time: past either, the caller is told at once that Roster is busy (503, `Retry-After`).
use crate::model::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, Copy)]
pub struct PasswordConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once.
    pub max_concurrent: usize,
    /// How many may wait for one of those slots; more are turned away.
    pub max_waiting: usize,
    /// How long one may wait for a slot before it is turned away.
    pub max_wait: Duration,
}

impl PasswordConfig {
    /// The argon2 crate's recommended parameters (OWASP): 19 MiB, t=2, p=1.
    pub fn production() -> Self {
        PasswordConfig {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
            max_concurrent: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            // A hash takes ~20-40 ms per core: 64 waiting is well under a second of work per
            // core, and nobody waits more than 5 s for a slot.
            max_waiting: 64,
            max_wait: Duration::from_secs(5),
        }
    }
    /// Cheap parameters for tests only (still argon2id).
    pub fn testing() -> Self {
        PasswordConfig {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
            max_concurrent: 4,
            max_waiting: 1024,
            max_wait: Duration::from_secs(30),
        }
    }
}

/// Words and passwords at most this far down zxcvbn's frequency lists count as common.
const COMMON_RANK: usize = 10_000;

/// The one password policy, for every way a password is set (reset, accepting an invitation,
/// sign-up, change): 10 to 256 characters, not the email, and not one of the 10,000 most
/// common passwords or words (zxcvbn's lists, compiled in, so nothing is looked up elsewhere).
pub fn check_policy(field: &str, password: &str, email: &str) -> Result<(), AppError> {
    crate::model::validate_password(field, password, email)?;
    let estimate = zxcvbn::zxcvbn(password, &[]);
    let whole_common_word = match estimate.sequence() {
        [m] => {
            m.i == 0
                && m.j + 1 == password.chars().count()
                && matches!(
                    &m.pattern,
                    zxcvbn::matching::patterns::MatchPattern::Dictionary(d) if d.rank <= COMMON_RANK
                )
        }
        _ => false,
    };
    if whole_common_word {
        return Err(AppError::validation(
            field,
            "This password is too common: it is one of the most used passwords or words. Choose something less predictable, such as a few unrelated words.",
        ));
    }
    Ok(())
}

#[derive(Clone)]
pub struct Passwords {
    argon: Argon2<'static>,
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    max_wait: Duration,
    /// A hash of a random password, verified against when the email is unknown so that an
    /// unknown email costs the same time as a wrong password.
    dummy: Arc<OnceLock<String>>,
}

impl Passwords {
    pub fn new(cfg: PasswordConfig) -> Self {
        let params = Params::new(cfg.memory_kib, cfg.iterations, cfg.parallelism, None)
            .expect("valid argon2 parameters");
        Passwords {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            permits: Arc::new(Semaphore::new(cfg.max_concurrent.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting: cfg.max_waiting,
            max_wait: cfg.max_wait,
            dummy: Arc::new(OnceLock::new()),
        }
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let argon = self.argon.clone();
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| {
                    tracing::error!(error = %e, "argon2 hash failed");
                    AppError::Internal
                })
        })
        .await
    }

    /// Verifies `password` against `hash`, or against a dummy hash when `hash` is None (so the
    /// caller's timing does not reveal whether an account exists). Always false for None.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        let (target, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash().await?, false),
        };
        let argon = self.argon.clone();
        let password = password.to_owned();
        let ok = self
            .run(move || {
                let parsed = PasswordHash::new(&target).map_err(|_| AppError::Internal)?;
                Ok(argon.verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(ok && real)
    }

    async fn dummy_hash(&self) -> Result<String, AppError> {
        if let Some(h) = self.dummy.get() {
            return Ok(h.clone());
        }
        let h = self.hash(&super::util::random_password()).await?;
        Ok(self.dummy.get_or_init(|| h).clone())
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = {
            let _queued = Queued::join(&self.waiting, self.max_waiting)?;
            tokio::time::timeout(self.max_wait, self.permits.acquire())
                .await
                .map_err(|_| busy("waited too long"))?
                .map_err(|_| AppError::Internal)?
        };
        let _permit = permit;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| AppError::Internal)?
    }
}

fn busy(why: &str) -> AppError {
    tracing::warn!(why, "password hashing is saturated: turning a request away");
    AppError::Unavailable
}

/// A place in the hashing queue, given back when dropped (served or given up).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn join(waiting: &'a AtomicUsize, max: usize) -> Result<Self, AppError> {
        let place = Queued(waiting);
        if waiting.fetch_add(1, Ordering::SeqCst) >= max {
            return Err(busy("queue full"));
        }
        Ok(place)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_do() {
        let p = Passwords::new(PasswordConfig::testing());
        let h = p.hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(p.verify("correct horse battery", Some(&h)).await.unwrap());
        assert!(!p.verify("wrong horse battery", Some(&h)).await.unwrap());
        assert!(!p.verify("correct horse battery", None).await.unwrap());
    }

    #[test]
    fn common_passwords_and_the_email_are_refused() {
        let e = "tom@acme.test";
        for common in [
            "1234567890",
            "qwertyuiop",
            "password123",
            "PASSWORD123",
            "basketball",
        ] {
            let err = check_policy("password", common, e).unwrap_err();
            assert!(err.to_string().contains("too common"), "{common}: {err}");
        }
        for fine in [
            "correct horse battery staple",
            "tangerine-ozone-42",
            "Wq8#zLp0!tV3",
        ] {
            assert!(check_policy("password", fine, e).is_ok(), "{fine}");
        }
        assert!(check_policy("password", "tom@acme.test", e).is_err());
    }

    #[test]
    fn production_parameters_are_the_recommended_ones() {
        let c = PasswordConfig::production();
        assert_eq!(
            (c.memory_kib, c.iterations, c.parallelism),
            (19 * 1024, 2, 1)
        );
    }
}
