//! Lexical declaration scopes (ctf.md §3.3): root, `trace`, `stream`, `event`, and every
//! struct or variant body. A name is looked up from the innermost scope outward; an inner scope
//! may shadow an outer declaration but a scope cannot declare the same name twice.

use std::collections::HashMap;

use super::ty::Ty;

/// The four name spaces of TSDL: `typealias`/`typedef` names, `struct X`, `variant X`,
/// `enum X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeclKind {
    Alias,
    Struct,
    Variant,
    Enum,
}

impl DeclKind {
    fn index(self) -> usize {
        match self {
            DeclKind::Alias => 0,
            DeclKind::Struct => 1,
            DeclKind::Variant => 2,
            DeclKind::Enum => 3,
        }
    }

    /// How the name is written in TSDL, for messages.
    pub fn describe(self, name: &str) -> String {
        match self {
            DeclKind::Alias => format!("type `{name}`"),
            DeclKind::Struct => format!("`struct {name}`"),
            DeclKind::Variant => format!("`variant {name}`"),
            DeclKind::Enum => format!("`enum {name}`"),
        }
    }
}

type Frame = [HashMap<String, Ty>; 4];

/// A stack of scopes; the bottom one is the root scope.
#[derive(Debug)]
pub(crate) struct Scopes {
    frames: Vec<Frame>,
}

impl Scopes {
    pub fn new() -> Scopes {
        Scopes {
            frames: vec![Frame::default()],
        }
    }

    pub fn push(&mut self) {
        self.frames.push(Frame::default());
    }

    /// Leaves the innermost scope (the root scope is never popped).
    pub fn pop(&mut self) {
        if self.frames.len() > 1 {
            self.frames.pop();
        }
    }

    /// The innermost declaration of `name`.
    pub fn lookup(&self, kind: DeclKind, name: &str) -> Option<&Ty> {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f[kind.index()].get(name))
    }

    /// Whether the innermost scope already declares `name`.
    pub fn declared_here(&self, kind: DeclKind, name: &str) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f[kind.index()].contains_key(name))
    }

    /// Declares `name` in the innermost scope; false if it is already declared there.
    pub fn register(&mut self, kind: DeclKind, name: &str, ty: Ty) -> bool {
        let Some(frame) = self.frames.last_mut() else {
            return false;
        };
        let map = &mut frame[kind.index()];
        if map.contains_key(name) {
            return false;
        }
        map.insert(name.to_string(), ty);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::ty::{Ty, TyKind};
    use super::*;
    use crate::ctf::ir::Encoding;

    fn s() -> Ty {
        Ty::scalar(TyKind::Str(Encoding::Utf8))
    }

    #[test]
    fn shadowing_and_redefinition() {
        let mut sc = Scopes::new();
        assert!(sc.register(DeclKind::Alias, "t", s()));
        assert!(!sc.register(DeclKind::Alias, "t", s()));
        // Different name spaces do not clash.
        assert!(sc.register(DeclKind::Struct, "t", s()));
        sc.push();
        assert!(sc.lookup(DeclKind::Alias, "t").is_some());
        assert!(!sc.declared_here(DeclKind::Alias, "t"));
        assert!(sc.register(DeclKind::Alias, "t", s()));
        assert!(sc.register(DeclKind::Alias, "u", s()));
        sc.pop();
        assert!(sc.lookup(DeclKind::Alias, "u").is_none());
        sc.pop();
        assert!(sc.lookup(DeclKind::Alias, "t").is_some());
    }
}
