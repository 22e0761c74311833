//! The docs' descriptions as doc comments: an output adaptation.

use crate::AppliedAdaptation;

/// An adaptation of progenitor's output: `doc_code_is_text`. The docs'
/// descriptions become doc comments, and a code block in them that names
/// no language (a bare fence before a JSON example, or an example indented
/// four spaces) is a Rust doctest to rustdoc, which fails to compile. Such
/// a block becomes a `text` fence.
pub(crate) fn doc_code_is_text(file: &mut syn::File) -> Option<AppliedAdaptation> {
    struct Fences(usize);
    impl syn::visit_mut::VisitMut for Fences {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            let syn::Meta::NameValue(nv) = &mut attr.meta else {
                return;
            };
            if !nv.path.is_ident("doc") {
                return;
            }
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &nv.value
            else {
                return;
            };
            let (marked, n) = fences_as_text(&text.value());
            if n > 0 {
                self.0 += n;
                nv.value = syn::parse_quote!(#marked);
            }
        }
    }
    let mut fences = Fences(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut fences, file);
    (fences.0 > 0).then(|| AppliedAdaptation {
        adaptation: "doc_code_is_text",
        change: format!(
            "{} code block(s) without a language in the docs made `text` fences",
            fences.0
        ),
    })
}

/// `text` with every code block rustdoc would compile as a Rust doctest
/// (a fence with no language, an indented block) made a `text` fence; and
/// how many were. The blocks are found by pulldown-cmark, the Markdown
/// parser rustdoc itself uses.
pub(crate) fn fences_as_text(text: &str) -> (String, usize) {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut inside: Option<(std::ops::Range<usize>, String)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let bare = match &kind {
                    CodeBlockKind::Indented => true,
                    CodeBlockKind::Fenced(info) => info.trim().is_empty(),
                };
                if bare {
                    // An indented block's range starts after its first
                    // line's indentation: take the whole line.
                    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    let start = if text[line_start..range.start].trim().is_empty() {
                        line_start
                    } else {
                        range.start
                    };
                    inside = Some((start..range.end, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, content)) = &mut inside {
                    content.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((range, content)) = inside.take() {
                    let mut block = String::from("```text\n");
                    block.push_str(&content);
                    if !content.ends_with('\n') {
                        block.push('\n');
                    }
                    block.push_str("```");
                    if text[range.clone()].ends_with('\n') {
                        block.push('\n');
                    }
                    edits.push((range, block));
                }
            }
            _ => {}
        }
    }
    let count = edits.len();
    let mut out = text.to_owned();
    for (range, block) in edits.into_iter().rev() {
        out.replace_range(range, &block);
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_rustdoc_would_compile_becomes_text_and_other_code_stays() {
        let (out, n) = fences_as_text("a\n\n```\n{\"x\": 1}\n```\n\n```json\n{}\n```\n");
        assert_eq!(n, 1);
        assert_eq!(out, "a\n\n```text\n{\"x\": 1}\n```\n\n```json\n{}\n```\n");
        // An indented block (four spaces or a tab) is code to Markdown too.
        let (out, n) = fences_as_text("__Example__\n\n    data: \"x\",\n    \tnested\n\nafter");
        assert_eq!(n, 1);
        assert_eq!(
            out,
            "__Example__\n\n```text\ndata: \"x\",\n\tnested\n```\n\nafter"
        );
        assert_eq!(fences_as_text("no code"), ("no code".into(), 0));
    }
}
