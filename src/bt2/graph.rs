//! The babeltrace2 graph behind [`Bt2Source`]: `source.ctf.fs` → `filter.utils.muxer` → our
//! sink, run one step at a time so the source can be pulled like an iterator.
//!
//! Our sink is a component class made at run time (not a plugin): its consume method takes
//! one batch of messages from the muxer and converts them ([`super::convert`]) into a queue
//! that [`Bt2Source::next_item`] drains. `bt_graph_run_once` answering "again" becomes
//! [`Poll::Pending`], which is what a live source will need.

use std::collections::VecDeque;
use std::ffi::{CStr, CString, c_void};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr;

use babeltrace2_sys::ffi;

use super::convert::Converter;
use crate::source::event::{Item, TraceInfo};
use crate::source::{EventSource, Poll, SourceError};

/// What the sink shares with the source: the upstream iterator and converted items.
#[derive(Default)]
struct SinkState {
    iterator: Option<ptr::NonNull<ffi::bt_message_iterator>>,
    converter: Converter,
    items: VecDeque<Item>,
    /// The first conversion problem; ends the source.
    error: Option<String>,
}

/// babeltrace2 reading every trace under a path, in time order.
pub struct Bt2Source {
    graph: ptr::NonNull<ffi::bt_graph>,
    sink_class: ptr::NonNull<ffi::bt_component_class_sink>,
    plugins: Vec<*const ffi::bt_plugin>,
    /// Owned here, borrowed by the sink through a raw pointer until the graph is released.
    state: Box<SinkState>,
    ended: bool,
}

impl std::fmt::Debug for Bt2Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bt2Source")
            .field("traces", &self.state.converter.traces())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

const SINK_NAME: &CStr = c"lttng-tui-sink";
const PORT_NAME: &CStr = c"in";

impl Bt2Source {
    /// Builds the graph on every trace under `path` (a trace, or a session directory holding
    /// several, as `babeltrace2 PATH` finds them) and connects it; no event is read yet.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        super::plugins::keep();
        let mut roots = Vec::new();
        find_trace_roots(path, 0, &mut roots);
        if roots.is_empty() {
            return Err(SourceError(format!(
                "{}: no CTF trace found (no `metadata` file in it or below it)",
                path.display()
            )));
        }
        roots.sort();
        let inputs = roots
            .iter()
            .map(|r| CString::new(r.as_os_str().as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| SourceError(format!("{}: path contains a NUL byte", path.display())))?;
        // SAFETY: plain constructor; a null result is handled.
        let graph = ptr::NonNull::new(unsafe { ffi::bt_graph_create(0) })
            .ok_or_else(|| SourceError("babeltrace2: cannot create a graph".into()))?;
        // SAFETY: creates a component class with our consume method, an `extern "C"` fn of
        // the right signature.
        let sink_class = ptr::NonNull::new(unsafe {
            ffi::bt_component_class_sink_create(SINK_NAME.as_ptr(), Some(sink_consume))
        });
        let Some(sink_class) = sink_class else {
            // SAFETY: `graph` is a reference we own.
            unsafe { ffi::bt_graph_put_ref(graph.as_ptr()) };
            return Err(SourceError(
                "babeltrace2: cannot create the sink class".into(),
            ));
        };
        let mut source = Bt2Source {
            graph,
            sink_class,
            plugins: Vec::new(),
            state: Box::default(),
            ended: false,
        };
        source.build(&inputs)?;
        Ok(source)
    }

    fn build(&mut self, inputs: &[CString]) -> Result<(), SourceError> {
        let class = self.sink_class.as_ptr();
        // SAFETY: `class` is a live component class we own; the methods are `extern "C"` fns
        // with the signatures babeltrace2 expects.
        let set = unsafe {
            ffi::bt_component_class_sink_set_initialize_method(class, Some(sink_initialize))
                | ffi::bt_component_class_sink_set_graph_is_configured_method(
                    class,
                    Some(sink_graph_is_configured),
                )
                | ffi::bt_component_class_sink_set_finalize_method(class, Some(sink_finalize))
        };
        if set != 0 {
            return Err(SourceError(
                "babeltrace2: cannot set the sink's methods".into(),
            ));
        }
        let ctf = self.find_plugin(c"ctf")?;
        let utils = self.find_plugin(c"utils")?;
        // SAFETY: the plugins are live references we hold; null results are handled.
        let (fs_class, muxer_class) = unsafe {
            (
                ffi::bt_plugin_borrow_source_component_class_by_name_const(ctf, c"fs".as_ptr()),
                ffi::bt_plugin_borrow_filter_component_class_by_name_const(
                    utils,
                    c"muxer".as_ptr(),
                ),
            )
        };
        if fs_class.is_null() || muxer_class.is_null() {
            return Err(SourceError(
                "babeltrace2: source.ctf.fs or filter.utils.muxer is missing".into(),
            ));
        }
        let groups = group_inputs(fs_class, inputs);
        let graph = self.graph.as_ptr();
        let level = ffi::bt_logging_level::BT_LOGGING_LEVEL_WARNING;
        let mut sources = Vec::new();
        let mut muxer = ptr::null();
        let mut sink = ptr::null();
        let state: *mut SinkState = &mut *self.state;
        // SAFETY: every pointer is live: the graph and classes we hold, `params` (released
        // right after use), out-pointers to locals. The sink keeps `state` as its data; the
        // box outlives the graph (released first in `Drop`). Each step runs only when the one
        // before succeeded: babeltrace2 aborts on a call made while the thread has an error.
        unsafe {
            for (i, group) in groups.iter().enumerate() {
                let params = fs_params(group)?;
                let name = CString::new(format!("source.ctf.fs-{i}")).unwrap_or_default();
                let mut fs = ptr::null();
                let status = ffi::bt_graph_add_source_component(
                    graph,
                    fs_class,
                    name.as_ptr(),
                    params,
                    level,
                    &mut fs,
                );
                ffi::bt_value_put_ref(params);
                if status != 0 {
                    return Err(take_error("cannot read the trace"));
                }
                sources.push(fs);
            }
            let status = ffi::bt_graph_add_filter_component(
                graph,
                muxer_class,
                c"filter.utils.muxer".as_ptr(),
                ptr::null(),
                level,
                &mut muxer,
            );
            if status != 0 {
                return Err(take_error("cannot add the muxer"));
            }
            let status = ffi::bt_graph_add_sink_component_with_initialize_method_data(
                graph,
                class,
                c"sink.lttng-tui".as_ptr(),
                ptr::null(),
                state.cast::<c_void>(),
                level,
                &mut sink,
            );
            if status != 0 {
                return Err(take_error("cannot add the sink"));
            }
        }
        // SAFETY: the components were just added to our graph and stay alive with it. The
        // muxer always offers one more free input port than it has connected.
        unsafe {
            let mut connected = 0;
            for &fs in &sources {
                for i in 0..ffi::bt_component_source_get_output_port_count(fs) {
                    let out = ffi::bt_component_source_borrow_output_port_by_index_const(fs, i);
                    let inp =
                        ffi::bt_component_filter_borrow_input_port_by_index_const(muxer, connected);
                    if out.is_null()
                        || inp.is_null()
                        || ffi::bt_graph_connect_ports(graph, out, inp, ptr::null_mut()) != 0
                    {
                        return Err(take_error("cannot connect the muxer"));
                    }
                    connected += 1;
                }
            }
            if connected == 0 {
                // Metadata without stream files: an empty trace, as babeltrace2 reads it.
                self.ended = true;
                return Ok(());
            }
            let out = ffi::bt_component_filter_borrow_output_port_by_index_const(muxer, 0);
            let inp = ffi::bt_component_sink_borrow_input_port_by_index_const(sink, 0);
            if out.is_null()
                || inp.is_null()
                || ffi::bt_graph_connect_ports(graph, out, inp, ptr::null_mut()) != 0
            {
                return Err(take_error("cannot connect the sink"));
            }
        }
        Ok(())
    }

    fn find_plugin(&mut self, name: &CStr) -> Result<*const ffi::bt_plugin, SourceError> {
        let mut plugin = ptr::null();
        // SAFETY: `name` is a C string; we only look in the statically linked plugins.
        let status = unsafe { ffi::bt_plugin_find(name.as_ptr(), 0, 0, 0, 1, 0, &mut plugin) };
        if status != ffi::bt_plugin_find_status::BT_PLUGIN_FIND_STATUS_OK || plugin.is_null() {
            return Err(take_error(&format!(
                "the static plugin `{}` is not linked in",
                name.to_string_lossy()
            )));
        }
        self.plugins.push(plugin);
        Ok(plugin)
    }
}

/// The trace directories grouped as the babeltrace2 command line groups them, one
/// `source.ctf.fs` per group: by the `group` (the trace UUID) that `source.ctf.fs` answers to
/// the `babeltrace.support-info` query, so the chunks of a rotated session are one trace and
/// a kernel and a user-space trace are two. Groups keep the order of their first directory.
fn group_inputs(
    fs_class: *const ffi::bt_component_class_source,
    inputs: &[CString],
) -> Vec<Vec<CString>> {
    let mut keys: Vec<String> = Vec::new();
    let mut groups: Vec<Vec<CString>> = Vec::new();
    for input in inputs {
        // SAFETY: `fs_class` is the live `source.ctf.fs` class; `input` a C string.
        let key = unsafe { support_group(fs_class, input) }
            .unwrap_or_else(|| format!("path:{}", input.to_string_lossy()));
        match keys.iter().position(|k| *k == key) {
            Some(i) => groups[i].push(input.clone()),
            None => {
                keys.push(key);
                groups.push(vec![input.clone()]);
            }
        }
    }
    groups
}

/// The `group` of a trace directory in `source.ctf.fs`'s `babeltrace.support-info` answer.
///
/// # Safety
/// `fs_class` must be a live source component class.
unsafe fn support_group(
    fs_class: *const ffi::bt_component_class_source,
    input: &CStr,
) -> Option<String> {
    // SAFETY: values and the query executor are created, used and released here; the result
    // map and its entries are borrowed while the result reference is held. A failed query
    // leaves an error on the thread, which is cleared.
    unsafe {
        let params = ffi::bt_value_map_create();
        if params.is_null()
            || ffi::bt_value_map_insert_string_entry(params, c"input".as_ptr(), input.as_ptr()) != 0
            || ffi::bt_value_map_insert_string_entry(
                params,
                c"type".as_ptr(),
                c"directory".as_ptr(),
            ) != 0
        {
            ffi::bt_value_put_ref(params);
            return None;
        }
        let exec = ffi::bt_query_executor_create(
            fs_class.cast::<ffi::bt_component_class>(),
            c"babeltrace.support-info".as_ptr(),
            params,
        );
        ffi::bt_value_put_ref(params);
        if exec.is_null() {
            ffi::bt_current_thread_clear_error();
            return None;
        }
        let mut result = ptr::null();
        let status = ffi::bt_query_executor_query(exec, &mut result);
        ffi::bt_query_executor_put_ref(exec);
        if status != 0 || result.is_null() {
            ffi::bt_current_thread_clear_error();
            return None;
        }
        let group = ffi::bt_value_map_borrow_entry_value_const(result, c"group".as_ptr());
        let key = (!group.is_null()
            && ffi::bt_value_get_type(group) == ffi::bt_value_type::BT_VALUE_TYPE_STRING)
            .then(|| {
                CStr::from_ptr(ffi::bt_value_string_get(group))
                    .to_string_lossy()
                    .into_owned()
            });
        ffi::bt_value_put_ref(result);
        key
    }
}

/// How deep to look for trace directories (a bound keeps a symlink loop from recursing
/// forever); the native session finder uses the same.
const MAX_DEPTH: usize = 12;

/// Directories with a `metadata` file at or below `dir` (not looking inside a trace).
fn find_trace_roots(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        if dir.file_name().is_some_and(|n| n == "metadata")
            && let Some(parent) = dir.parent()
        {
            out.push(parent.to_path_buf());
        }
        return;
    }
    if dir.join("metadata").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            find_trace_roots(&entry.path(), depth + 1, out);
        }
    }
}

/// `{inputs: [...]}` for `source.ctf.fs`; the caller releases it.
fn fs_params(paths: &[CString]) -> Result<*mut ffi::bt_value, SourceError> {
    // SAFETY: value constructors and inserts on values we own; references released on error.
    unsafe {
        let map = ffi::bt_value_map_create();
        let inputs = ffi::bt_value_array_create();
        let ok = !map.is_null()
            && !inputs.is_null()
            && paths
                .iter()
                .all(|p| ffi::bt_value_array_append_string_element(inputs, p.as_ptr()) == 0)
            && ffi::bt_value_map_insert_entry(map, c"inputs".as_ptr(), inputs) == 0;
        ffi::bt_value_put_ref(inputs);
        if !ok {
            ffi::bt_value_put_ref(map);
            return Err(SourceError("babeltrace2: out of memory".into()));
        }
        Ok(map)
    }
}

/// The current thread's babeltrace2 error as text (its causes, innermost last), cleared.
fn take_error(context: &str) -> SourceError {
    let mut causes = Vec::new();
    // SAFETY: we take ownership of the thread's error (if any), read its causes' messages
    // (C strings owned by the error) and release it.
    unsafe {
        let error = ffi::bt_current_thread_take_error();
        if !error.is_null() {
            for i in 0..ffi::bt_error_get_cause_count(error) {
                let cause = ffi::bt_error_borrow_cause_by_index(error, i);
                if cause.is_null() {
                    continue;
                }
                let msg = ffi::bt_error_cause_get_message(cause);
                if !msg.is_null() {
                    causes.push(CStr::from_ptr(msg).to_string_lossy().into_owned());
                }
            }
            ffi::bt_error_release(error);
        }
    }
    if causes.is_empty() {
        SourceError(format!("babeltrace2: {context}"))
    } else {
        SourceError(format!("babeltrace2: {context}: {}", causes.join(": ")))
    }
}

impl EventSource for Bt2Source {
    fn traces(&self) -> &[TraceInfo] {
        self.state.converter.traces()
    }

    fn next_item(&mut self) -> Result<Poll, SourceError> {
        loop {
            if let Some(item) = self.state.items.pop_front() {
                return Ok(Poll::Item(item));
            }
            if let Some(e) = self.state.error.take() {
                self.ended = true;
                return Err(SourceError(e));
            }
            if self.ended {
                return Ok(Poll::End);
            }
            // SAFETY: the graph is live and configured; it calls our sink on this thread.
            let status = unsafe { ffi::bt_graph_run_once(self.graph.as_ptr()) };
            use ffi::bt_graph_run_once_status::*;
            match status {
                BT_GRAPH_RUN_ONCE_STATUS_OK => {}
                BT_GRAPH_RUN_ONCE_STATUS_END => self.ended = true,
                BT_GRAPH_RUN_ONCE_STATUS_AGAIN if self.state.items.is_empty() => {
                    return Ok(Poll::Pending);
                }
                BT_GRAPH_RUN_ONCE_STATUS_AGAIN => {}
                _ => {
                    // The items converted before the failure are still handed out first.
                    self.ended = true;
                    let error = take_error("cannot read the trace");
                    self.state.error = Some(match self.state.error.take() {
                        Some(detail) => format!("{}: {detail}", error.0),
                        None => error.0,
                    });
                }
            }
        }
    }

    fn errors(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Drop for Bt2Source {
    fn drop(&mut self) {
        // SAFETY: we own one reference to each; the graph goes first, which finalizes the
        // sink (releasing its iterator) while `state` is still alive.
        unsafe {
            ffi::bt_graph_put_ref(self.graph.as_ptr());
            ffi::bt_component_class_sink_put_ref(self.sink_class.as_ptr());
            for &p in &self.plugins {
                ffi::bt_plugin_put_ref(p);
            }
        }
    }
}

/// The sink's state, as set by `sink_initialize`.
///
/// # Safety
/// `sink` must be a live self component of our class.
unsafe fn state_of<'a>(sink: *mut ffi::bt_self_component_sink) -> Option<&'a mut SinkState> {
    // SAFETY: a self sink component is a self component (C upcast); its data is the
    // `SinkState` pointer we set, which outlives the component (see `Bt2Source::drop`).
    unsafe {
        let data = ffi::bt_self_component_get_data(sink.cast::<ffi::bt_self_component>());
        data.cast::<SinkState>().as_mut()
    }
}

unsafe extern "C" fn sink_initialize(
    sink: *mut ffi::bt_self_component_sink,
    _config: *mut ffi::bt_self_component_sink_configuration,
    _params: *const ffi::bt_value,
    data: *mut c_void,
) -> ffi::bt_component_class_initialize_method_status::Type {
    use ffi::bt_component_class_initialize_method_status::*;
    // SAFETY: babeltrace2 hands us our live component; `data` is the `SinkState` pointer
    // given to `bt_graph_add_sink_component_with_initialize_method_data`.
    unsafe {
        ffi::bt_self_component_set_data(sink.cast::<ffi::bt_self_component>(), data);
        let status = ffi::bt_self_component_sink_add_input_port(
            sink,
            PORT_NAME.as_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        if status == 0 {
            BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK
        } else {
            BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR
        }
    }
}

unsafe extern "C" fn sink_graph_is_configured(
    sink: *mut ffi::bt_self_component_sink,
) -> ffi::bt_component_class_sink_graph_is_configured_method_status::Type {
    use ffi::bt_component_class_sink_graph_is_configured_method_status::*;
    // SAFETY: our live component; its port 0 was added in `sink_initialize`.
    unsafe {
        let Some(state) = state_of(sink) else {
            return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
        };
        let port = ffi::bt_self_component_sink_borrow_input_port_by_index(sink, 0);
        let mut iterator = ptr::null_mut();
        let status = ffi::bt_message_iterator_create_from_sink_component(sink, port, &mut iterator);
        match ptr::NonNull::new(iterator) {
            Some(it) if status == 0 => {
                state.iterator = Some(it);
                BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK
            }
            _ => BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR,
        }
    }
}

unsafe extern "C" fn sink_finalize(sink: *mut ffi::bt_self_component_sink) {
    // SAFETY: our live component; the iterator reference is ours to release.
    unsafe {
        if let Some(state) = state_of(sink)
            && let Some(it) = state.iterator.take()
        {
            ffi::bt_message_iterator_put_ref(it.as_ptr());
        }
    }
}

unsafe extern "C" fn sink_consume(
    sink: *mut ffi::bt_self_component_sink,
) -> ffi::bt_component_class_sink_consume_method_status::Type {
    use ffi::bt_component_class_sink_consume_method_status::*;
    use ffi::bt_message_iterator_next_status::*;
    // SAFETY: our live component; the iterator was made in `sink_graph_is_configured`. The
    // message array belongs to the iterator until the next call; we own one reference to each
    // message and release it after converting it.
    unsafe {
        let Some(state) = state_of(sink) else {
            return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
        };
        let Some(iterator) = state.iterator else {
            return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
        };
        let mut messages: ffi::bt_message_array_const = ptr::null_mut();
        let mut count = 0u64;
        match ffi::bt_message_iterator_next(iterator.as_ptr(), &mut messages, &mut count) {
            BT_MESSAGE_ITERATOR_NEXT_STATUS_OK => {}
            BT_MESSAGE_ITERATOR_NEXT_STATUS_END => {
                if let Some(it) = state.iterator.take() {
                    ffi::bt_message_iterator_put_ref(it.as_ptr());
                }
                return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
            }
            BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN => {
                return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_AGAIN;
            }
            _ => return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR,
        }
        let count = usize::try_from(count).unwrap_or(0);
        let batch = if messages.is_null() {
            &[][..]
        } else {
            std::slice::from_raw_parts(messages, count)
        };
        let mut failed = false;
        for &msg in batch {
            if !failed {
                match state.converter.message(msg) {
                    Ok(Some(item)) => state.items.push_back(item),
                    Ok(None) => {}
                    Err(e) => {
                        state.error = Some(e);
                        failed = true;
                    }
                }
            }
            ffi::bt_message_put_ref(msg);
        }
        if failed {
            BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR
        } else {
            BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK
        }
    }
}
