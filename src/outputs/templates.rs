//! Report templates (`templates/*.j2`): embedded defaults, overridable by a user directory.
//!
//! A user's templates are compiled at load, so a syntax error is reported with its file and
//! line before anything runs. The embedded ones (tested with every build) compile the first
//! time they are used: a run renders one template, and compiling the others would only slow
//! its start.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::data::load::{DataKind, Layer, data_files};
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics};

/// The templates, ready to render.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load(user_dir: Option<&Path>) -> Result<Templates, Diagnostics> {
        let mut env = Environment::new();
        crate::outputs::filters::register(&mut env);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        let mut problems = Diagnostics::default();
        let mut embedded: BTreeMap<String, String> = BTreeMap::new();
        for file in data_files(DataKind::Templates, user_dir)? {
            if file.layer == Layer::Embedded {
                embedded.insert(file.file_name, file.source.text);
                continue;
            }
            if let Err(e) = env.add_template_owned(file.file_name.clone(), file.source.text.clone())
            {
                let line = e.line().unwrap_or(1) as u64;
                problems.push(file.source.error_at_line(
                    Code::TemplateSyntax,
                    line,
                    1,
                    None,
                    format!(
                        "the template does not parse: {}",
                        e.detail().unwrap_or(&e.to_string())
                    ),
                ));
            }
        }
        env.set_loader(move |name| Ok(embedded.get(name).cloned()));
        problems.into_result(Templates { env })
    }

    /// Renders a template by file name, such as `report.md.j2`.
    pub fn render(&self, name: &str, context: Value) -> Result<String, Diagnostic> {
        let template = self.env.get_template(name).map_err(|_| {
            Diagnostic::plain(Code::TemplateMissing, format!("no template named `{name}`"))
        })?;
        template.render(context).map_err(|e| {
            let line = e
                .line()
                .map(|l| format!(" at line {l}"))
                .unwrap_or_default();
            Diagnostic::plain(
                Code::TemplateRender,
                format!("rendering template `{name}` failed{line}: {e}"),
            )
        })
    }
}
