//! Presentational components. They get data and callbacks from pages and never fetch.
#[cfg(feature = "ssr")]
pub mod audit_log;
#[cfg(feature = "ssr")]
pub mod exports;
mod form;
#[cfg(feature = "ssr")]
pub mod groups;
#[cfg(feature = "ssr")]
pub mod imports;
mod modal;
#[cfg(feature = "ssr")]
pub mod overview;
#[cfg(feature = "ssr")]
pub mod projects;
#[cfg(feature = "ssr")]
pub mod roles;
#[cfg(feature = "ssr")]
pub mod roles_text;
mod row_menu;
#[cfg(feature = "ssr")]
pub mod server_forms;
mod server_html;
mod sessions_table;
mod shell;
mod toast;
mod users_table;

pub use form::{HiddenFields, NoScriptSubmit};
pub use modal::{focus_first_field, Modal};
pub use row_menu::{MenuEntry, RowMenu};
pub use server_html::ServerHtml;
pub use sessions_table::SessionsTable;
pub use shell::{Header, Sidebar};
pub use toast::{provide_toaster, use_toaster, ToastKind, Toaster, Toasts};
pub use users_table::{status_badge, Pager, UsersTable};
