//! Report templates (`templates/*.j2`): embedded defaults, overridable by a user directory.
//!
//! Every template is compiled at load, so a syntax error in a user's template is reported
//! with its file and line before anything runs.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{DataKind, data_files};

/// The compiled templates.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load(user_dir: Option<&Path>) -> Result<Templates, Diagnostics> {
        let mut env = Environment::new();
        crate::filters::register(&mut env);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.add_filter("usd", |value: minijinja::Value| {
            crate::money::format_usd(&value.to_string())
        });
        env.add_filter("count", |value: minijinja::Value| {
            crate::money::format_count(&value.to_string())
        });
        env.add_filter("percent", |value: minijinja::Value| {
            value
                .to_string()
                .parse::<rust_decimal::Decimal>()
                .map(crate::projection::percent)
                .unwrap_or_else(|_| value.to_string())
        });
        let mut problems = Diagnostics::default();
        for file in data_files(DataKind::Templates, user_dir)? {
            if let Err(e) = env.add_template_owned(file.file_name.clone(), file.source.text.clone())
            {
                let line = e.line().unwrap_or(1) as u64;
                problems.push(file.source.error_at_line(
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
        problems.into_result(Templates { env })
    }

    /// Renders a template by file name, such as `report.md.j2`.
    pub fn render(&self, name: &str, context: Value) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(name)
            .map_err(|_| Diagnostic::plain(format!("no template named `{name}`")))?;
        template.render(context).map_err(|e| {
            let line = e
                .line()
                .map(|l| format!(" at line {l}"))
                .unwrap_or_default();
            Diagnostic::plain(format!("rendering template `{name}` failed{line}: {e}"))
        })
    }
}
