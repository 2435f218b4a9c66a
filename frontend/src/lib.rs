//! The browser entry: hydrates the server-rendered page. The code of the page's lazy route (a
//! split wasm chunk) is loaded first, so hydration then runs synchronously (`hydrate_body`)
//! and no view needs the asynchronous hydration path (which Roster's patched tachys leaves
//! out of the wasm; see vendor/tachys/ROSTER.md).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let path = leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_default();
        app::pages::load_route_code(&path).await;
        leptos::mount::hydrate_body(app::App);
    });
}
