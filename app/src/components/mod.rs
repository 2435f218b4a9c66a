//! Presentational components. They get data and callbacks from pages and never fetch.
mod modal;
mod shell;
mod toast;

pub use modal::Modal;
pub use shell::{Header, Sidebar};
pub use toast::{provide_toaster, use_toaster, ToastKind, Toaster, Toasts};
