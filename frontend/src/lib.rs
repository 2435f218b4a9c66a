//! The browser entry: hydrates the server-rendered page. `hydrate_lazy` waits for the code of a
//! lazy route (a split wasm chunk) before it walks that route's HTML.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
