//! Registration of the statically linked babeltrace2 plugins.
//!
//! babeltrace2 finds static plugins through pointers the linker gathers in the
//! `__bt_plugin_*` sections. The `ctf` and `utils` plugin archives hold theirs, but nothing in
//! Rust refers to them, so they are linked whole (`+whole-archive`); `babeltrace2-sys`'s proxy
//! sink descriptors (which its plugin lookup expects to find) are placed in the sections here.
//! [`keep`] refers to these statics from the code that builds a graph, so this object file is
//! always part of the final binary (statics of an unreferenced object file in a library would
//! be dropped), and `build.rs` passes `-z nostart-stop-gc` so the linker keeps the sections.

use babeltrace2_sys::ffi::*;
use babeltrace2_sys::proxy_plugin_descriptors::*;

#[used]
#[unsafe(link_section = "__bt_plugin_descriptors")]
static PLUGIN_DESC_PTR: __bt_plugin_descriptor_ptr = __bt_plugin_descriptor_ptr(&PLUGIN_DESC);

#[used]
#[unsafe(link_section = "__bt_plugin_component_class_descriptors")]
static SINK_COMP_DESC_PTR: __bt_plugin_component_class_descriptor_ptr =
    __bt_plugin_component_class_descriptor_ptr(&SINK_COMP_DESC);

#[used]
#[unsafe(link_section = "__bt_plugin_component_class_descriptor_attributes")]
static SINK_COMP_CLASS_INIT_ATTR_PTR: __bt_plugin_component_class_descriptor_attribute_ptr =
    __bt_plugin_component_class_descriptor_attribute_ptr(&SINK_COMP_CLASS_INIT_ATTR);

#[used]
#[unsafe(link_section = "__bt_plugin_component_class_descriptor_attributes")]
static SINK_COMP_CLASS_FINI_ATTR_PTR: __bt_plugin_component_class_descriptor_attribute_ptr =
    __bt_plugin_component_class_descriptor_attribute_ptr(&SINK_COMP_CLASS_FINI_ATTR);

#[used]
#[unsafe(link_section = "__bt_plugin_component_class_descriptor_attributes")]
static SINK_COMP_CLASS_GRAPH_CONF_ATTR_PTR: __bt_plugin_component_class_descriptor_attribute_ptr =
    __bt_plugin_component_class_descriptor_attribute_ptr(&SINK_COMP_CLASS_GRAPH_CONF_ATTR);

/// The `utils` plugin (`filter.utils.muxer`), linked whole.
mod utils {
    use babeltrace2_sys::ffi::__bt_plugin_descriptor;

    #[link(
        name = "babeltrace-plugin-utils",
        kind = "static",
        modifiers = "+whole-archive"
    )]
    unsafe extern "C" {
        pub static __bt_plugin_descriptor_auto_ptr: *const __bt_plugin_descriptor;
    }
}

/// The `ctf` plugin (`source.ctf.fs`, `source.ctf.lttng-live`), linked whole.
mod ctf {
    use babeltrace2_sys::ffi::__bt_plugin_descriptor;

    #[link(
        name = "babeltrace-plugin-ctf",
        kind = "static",
        modifiers = "+whole-archive"
    )]
    unsafe extern "C" {
        pub static __bt_plugin_descriptor_auto_ptr: *const __bt_plugin_descriptor;
    }
}

/// Refers to the descriptor statics so that the linker keeps this object file.
pub fn keep() {
    std::hint::black_box((
        &PLUGIN_DESC_PTR,
        &SINK_COMP_DESC_PTR,
        &SINK_COMP_CLASS_INIT_ATTR_PTR,
        &SINK_COMP_CLASS_FINI_ATTR_PTR,
        &SINK_COMP_CLASS_GRAPH_CONF_ATTR_PTR,
    ));
}
