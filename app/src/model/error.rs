use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The one error type from the store to the UI. Its `Display` is the message a person reads;
/// server-side detail (SQL errors and the like) is logged where it happens and never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You don't have permission to do that.")]
    Forbidden,
    #[error("{0} was not found.")]
    NotFound(String),
    /// Bad input; `field` names the form field the message belongs under, when there is one.
    #[error("{message}")]
    Validation {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Conflict(String),
    /// Sign-in refused for too many failures; deliberately says nothing about the account.
    #[error("Too many failed attempts. This account is temporarily locked; try again in {minutes} minute(s).")]
    Locked { minutes: u64 },
    #[error("Incorrect email or password.")]
    InvalidCredentials,
    /// Too many requests of one kind from one client address (sign-ups, reset requests).
    #[error("Too many requests from your network. Please try again in {minutes} minute(s).")]
    TooManyRequests { minutes: u64 },
    #[error("This request came from another site and was refused.")]
    CrossSite,
    #[error("Could not reach Roster: {0}")]
    Network(String),
    /// The database (or another part Roster needs) cannot be reached, or the server is too
    /// busy to answer in time; nothing was changed.
    #[error("Roster is unavailable for a moment. Nothing was changed; please try again shortly.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// An error the server already put into the reader's language: the original's status
    /// and field, its message translated.
    #[error("{message}")]
    Translated {
        status: u16,
        field: Option<String>,
        message: String,
    },
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// The field an error belongs under, so forms can show it there.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } | AppError::Translated { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }

    /// The HTTP status that matches this error, for the REST API and server functions.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::CrossSite => 403,
            AppError::NotFound(_) => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::Locked { .. } | AppError::TooManyRequests { .. } => 429,
            AppError::Network(_) => 502,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Translated { status, .. } => *status,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m) => AppError::Validation {
                field: None,
                message: format!("The request was malformed: {m}"),
            },
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => AppError::Network(m),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => AppError::NotFound("The record".into()),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::Conflict("That already exists.".into())
            }
            // The database cannot be reached: a clear 503, not an internal error.
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            _ => {
                tracing::error!(error = %e, "database error");
                AppError::Internal
            }
        }
    }
}
