//! Link settings for the optional `bt2` feature; the default build emits nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CARGO_FEATURE_BT2");
    if std::env::var_os("CARGO_FEATURE_BT2").is_some() {
        // babeltrace2 finds its built-in plugins through `__start_`/`__stop_` symbols of the
        // `__bt_plugin_*` sections; the default linker garbage-collects those sections
        // ("undefined hidden symbol: __start___bt_plugin_descriptor_attributes") unless told
        // not to.
        println!("cargo:rustc-link-arg=-Wl,-z,nostart-stop-gc");
    }
}
