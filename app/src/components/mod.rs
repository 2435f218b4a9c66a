//! Presentational components. They get data and callbacks from pages and never fetch.
mod modal;
mod shell;
mod toast;
mod users_table;

pub use modal::Modal;
pub use shell::{Header, Sidebar};
pub use toast::{provide_toaster, use_toaster, ToastKind, Toaster, Toasts};
pub use users_table::{Pager, UsersTable};
