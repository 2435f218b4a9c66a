use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
    undo: Option<Callback<()>>,
}

/// Bottom-right notifications. Pages push; the shell renders them.
#[derive(Clone, Copy)]
pub struct Toaster {
    items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toaster {
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into(), None);
    }
    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into(), None);
    }
    /// A done-toast with an Undo button that runs `undo`.
    pub fn with_undo(&self, message: impl Into<String>, undo: Callback<()>) {
        self.push(ToastKind::Success, message.into(), Some(undo));
    }

    fn push(&self, kind: ToastKind, message: String, undo: Option<Callback<()>>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|v| {
            v.push(Toast {
                id,
                kind,
                message,
                undo,
            })
        });
        let items = self.items;
        set_timeout(
            move || items.update(|v| v.retain(|t| t.id != id)),
            Duration::from_secs(6),
        );
    }

    fn dismiss(&self, id: u64) {
        self.items.update(|v| v.retain(|t| t.id != id));
    }
}

pub fn provide_toaster() -> Toaster {
    let t = Toaster {
        items: RwSignal::new(Vec::new()),
        next: StoredValue::new(0),
    };
    provide_context(t);
    t
}

pub fn use_toaster() -> Toaster {
    expect_context::<Toaster>()
}

#[component]
pub fn Toasts(
    #[prop(into, default = "Close".into())] close_label: Signal<String>,
) -> impl IntoView {
    let toaster = use_toaster();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toaster.items.get() key=|t| t.id let:t>
                {
                    let id = t.id;
                    let class = match t.kind {
                        ToastKind::Success => "toast toast-success",
                        ToastKind::Error => "toast toast-error",
                    };
                    let undo = t.undo;
                    view! {
                        <div class=class>
                            <span class="toast-message">{t.message.clone()}</span>
                            {undo.map(|u| view! {
                                <button type="button" class="link-button" on:click=move |_| {
                                    u.run(());
                                    toaster.dismiss(id);
                                }>"Undo"</button>
                            })}
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=move || close_label.get()
                                on:click=move |_| toaster.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
