//! Shipped keymaps and themes load without warnings; broken user files give a clear message
//! naming file and line, and the default is used instead.
#![allow(clippy::unwrap_used)]

use lttng_tui::config::key::Key;
use lttng_tui::config::keymap::{self, Context, Keymap};
use lttng_tui::config::theme::{self, SCOPES, Theme};
use lttng_tui::tui::action::is_command;
use lttng_tui::tui::settings::{load_keymap, load_theme};
use lttng_tui::tui::style::ColorDepth;

#[test]
fn every_shipped_keymap_loads_cleanly() {
    for (name, text) in keymap::BUILTIN {
        let (map, warnings) = Keymap::parse(text, name, &is_command).unwrap();
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        assert!(!map.bindings(Context::Global).is_empty(), "{name}");
        assert!(
            map.key_for(&[Context::Global], "show_help").is_some(),
            "{name} has no help key"
        );
        assert!(
            map.key_for(&[Context::Global], "quit").is_some(),
            "{name} has no quit key"
        );
    }
}

#[test]
fn every_shipped_theme_loads_cleanly() {
    for (name, text) in theme::BUILTIN {
        let (_, warnings) = Theme::parse(text, name, name).unwrap();
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
    }
    // The dark theme is the reference: it names every scope, so the others can fall back.
    let (dark, _) = Theme::parse(theme::builtin("dark").unwrap(), "dark", "dark").unwrap();
    for scope in SCOPES {
        assert!(dark.styles.contains_key(*scope), "dark lacks {scope}");
    }
}

#[test]
fn default_keymap_has_vim_and_arrow_keys() {
    let map = load_keymap(None, None).value;
    let lookup = |k: &str| match map.lookup(&[Context::List], &Key::parse_seq(k).unwrap()) {
        keymap::Lookup::Found(b) => b.run.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(lookup("j"), "move_down");
    assert_eq!(lookup("down"), "move_down");
    assert_eq!(lookup("g g"), "go_top");
    assert_eq!(lookup("G"), "go_bottom");
    assert_eq!(lookup("ctrl-d"), "half_page_down");
    assert_eq!(lookup("pgup"), "page_up");
}

#[test]
fn broken_user_keymap_warns_and_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keymap.toml");
    std::fs::write(&file, "global = [\n  { on = \"q\", run = \"quit\" \n").unwrap();
    let loaded = load_keymap(None, Some(dir.path()));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = loaded.warnings[0].to_string();
    assert!(w.starts_with(&format!("{}:", file.display())), "{w}");
    assert!(
        w.contains("not a valid keymap") && w.contains("ignored"),
        "{w}"
    );
    // The shipped default is still complete.
    assert!(loaded.value.key_for(&[Context::Global], "quit").is_some());
}

#[test]
fn user_keymap_problems_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "global = [\n  { on = \"Q\", run = \"quit\", desc = \"quit\" },\n  { on = \"Q\", run = \"show_help\" },\n  { on = \"z\", run = \"zoom_sideways\" },\n  { on = \"hyper-z\", run = \"quit\" },\n]\nbogus = [\n  { on = \"a\", run = \"quit\" },\n]\n";
    std::fs::write(dir.path().join("keymap.toml"), text).unwrap();
    let loaded = load_keymap(None, Some(dir.path()));
    let lines: Vec<_> = loaded.warnings.iter().map(|w| w.line).collect();
    assert_eq!(
        lines,
        [Some(7), Some(3), Some(4), Some(5)],
        "{:?}",
        loaded.warnings
    );
    let text: Vec<_> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(text[0].contains("unknown context `bogus`"), "{text:?}");
    assert!(
        text[1].contains("duplicate binding `Q`") && text[1].contains("line 2"),
        "{text:?}"
    );
    assert!(
        text[2].contains("unknown command `zoom_sideways`"),
        "{text:?}"
    );
    assert!(text[3].contains("unknown key `hyper-z`"), "{text:?}");
    // The valid user binding is in front of the shipped ones.
    let found = loaded
        .value
        .lookup(&[Context::Global], &[Key::parse("Q").unwrap()]);
    assert!(matches!(found, keymap::Lookup::Found(b) if b.run == "quit"));
}

#[test]
fn missing_or_broken_theme_falls_back() {
    let loaded = load_theme(Some("solarized-sunset"), ColorDepth::TrueColor);
    assert_eq!(loaded.name, "dark");
    assert!(
        loaded.warnings[0]
            .to_string()
            .contains("no shipped theme named `solarized-sunset`")
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(&file, "[styles]\n\"ui\" = { fg = 12 }\n").unwrap();
    let loaded = load_theme(Some(file.to_str().unwrap()), ColorDepth::TrueColor);
    assert_eq!(loaded.name, "dark");
    let w = loaded.warnings[0].to_string();
    assert!(
        w.starts_with(&format!("{}:2:", file.display())) && w.contains("not a valid theme"),
        "{w}"
    );
}

#[test]
fn no_colour_terminal_gets_mono() {
    let loaded = load_theme(None, ColorDepth::Mono);
    assert_eq!(loaded.name, "mono");
    assert!(loaded.warnings.is_empty());
}

#[test]
fn every_preset_tab_exists_and_view_opens_it() {
    use lttng_tui::config::view::{self, TABS};
    use lttng_tui::tui::app::Tab;
    for name in TABS {
        assert!(Tab::from_name(name).is_some(), "tab `{name}`");
    }
    for (name, _) in view::BUILTIN {
        let v = view::load(&lttng_tui::config::Source::Builtin(name.into())).unwrap();
        assert!(
            v.tab.as_deref().is_none_or(|t| Tab::from_name(t).is_some()),
            "{name}"
        );
    }
    // `--view` applies the preset's first tab when the app starts.
    let dir = tempfile::tempdir().unwrap();
    let args = lttng_tui::tui::TuiArgs {
        view: Some("web-requests".into()),
        no_cache: true,
        ..Default::default()
    };
    let (app, _updates) =
        lttng_tui::tui::start(dir.path(), &args, ColorDepth::Ansi16, None).unwrap();
    assert_eq!(app.tab, Tab::ControlFlow);
    assert_eq!(app.preset.map(|p| p.periods.len()), Some(4));
    // A preset that does not load stops the start with its file and line.
    let args = lttng_tui::tui::TuiArgs {
        view: Some("nope".into()),
        ..Default::default()
    };
    let e = lttng_tui::tui::start(dir.path(), &args, ColorDepth::Ansi16, None).err();
    assert!(format!("{e:?}").contains("no shipped view `nope`"), "{e:?}");
}
