//! Report templates (`templates/*.j2`): embedded defaults, overridable by a user directory.
//!
//! A user's templates are compiled at load, so a syntax error is reported with its file and
//! line before anything runs. The embedded ones (tested with every build) compile the first
//! time they are used: a run renders one template, and compiling the others would only slow
//! its start.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::data::load::{DataFile, DataKind, Layer, data_files};
use crate::support::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::support::limits;

/// The templates, ready to render.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    /// Every template's file (a user's path or `<embedded>/templates/…`), by template name,
    /// so render errors can name the file, line and column.
    files: BTreeMap<String, SourceFile>,
    /// The names of the templates that came from the user's directory.
    pub user: Vec<String>,
}

impl Templates {
    pub fn load(user_dir: Option<&Path>) -> Result<Templates, Diagnostics> {
        Templates::from_files(data_files(DataKind::Templates, user_dir)?)
    }

    /// The templates from files already read (embedded and the user's), as `load` reads
    /// them from a directory; the fuzz target feeds a user's template through it.
    pub fn from_files(data: Vec<DataFile>) -> Result<Templates, Diagnostics> {
        let mut env = Environment::new();
        crate::outputs::filters::register(&mut env);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Templates are user code: a budget per rendering, so `{% for %}` over a huge range
        // is an error, not a hang, and a template that includes itself stops (docs/limits.md).
        env.set_fuel(Some(limits::TEMPLATE_FUEL));
        env.set_recursion_limit(limits::TEMPLATE_RECURSION);
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
        let mut files = BTreeMap::new();
        let mut user = Vec::new();
        for file in data {
            files.insert(file.file_name.clone(), file.source.clone());
            if file.layer == Layer::Embedded {
                embedded.insert(file.file_name, file.source.text);
                continue;
            }
            user.push(file.file_name.clone());
            if let Err(e) = env.add_template_owned(file.file_name.clone(), file.source.text.clone())
            {
                problems.push(positioned(
                    Code::TemplateSyntax,
                    &file.source,
                    &e,
                    Some("the template does not parse"),
                ));
            }
        }
        env.set_loader(move |name| Ok(embedded.get(name).cloned()));
        problems.into_result(Templates { env, files, user })
    }

    /// Renders a template by file name, such as `report.md.j2`. A failure names the
    /// template file, line and column where it happened and the template that was rendered.
    pub fn render(&self, name: &str, context: Value) -> Result<String, Diagnostic> {
        let template = self.env.get_template(name).map_err(|_| {
            Diagnostic::plain(Code::TemplateMissing, format!("no template named `{name}`"))
        })?;
        template
            .render(context)
            .map_err(|e| self.render_error(name, &e))
    }

    fn render_error(&self, name: &str, e: &minijinja::Error) -> Diagnostic {
        // An error inside an include is wrapped once per level: the innermost says what
        // went wrong and where; the outer ones are the include chain.
        let mut chain: Vec<&minijinja::Error> = vec![e];
        let mut next = std::error::Error::source(e);
        while let Some(inner) = next.and_then(|s| s.downcast_ref::<minijinja::Error>()) {
            chain.push(inner);
            next = std::error::Error::source(inner);
        }
        let innermost = chain[chain.len() - 1];
        let failed_in = innermost.name().unwrap_or(name);
        let code = match innermost.kind() {
            minijinja::ErrorKind::OutOfFuel => Code::LimitTemplateFuel,
            _ if innermost.to_string().contains("recursion limit exceeded") => {
                Code::LimitTemplateDepth
            }
            _ => Code::TemplateRender,
        };
        let mut message = format!("rendering template `{name}` failed");
        if chain.len() > 1 {
            let steps: Vec<String> = chain[..chain.len() - 1]
                .iter()
                .take(MAX_CHAIN_SHOWN)
                .map(|c| {
                    let at = c.name().unwrap_or(name);
                    match c.line() {
                        Some(line) => format!("{at}:{line}"),
                        None => at.to_owned(),
                    }
                })
                .collect();
            let more = (chain.len() - 1).saturating_sub(MAX_CHAIN_SHOWN);
            message.push_str(&format!(
                " (included through {}{})",
                steps.join(" → "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        match self.files.get(failed_in) {
            Some(file) => positioned(code, file, innermost, Some(&message)),
            None => Diagnostic::plain(code, format!("{message}: {}", detail(innermost))),
        }
    }
}

/// Include steps named in a render error; a template including itself has hundreds.
const MAX_CHAIN_SHOWN: usize = 5;

/// A minijinja error placed at its file, line and column.
fn positioned(
    code: Code,
    file: &SourceFile,
    e: &minijinja::Error,
    context: Option<&str>,
) -> Diagnostic {
    let message = match context {
        Some(context) => format!("{context}: {}", detail(e)),
        None => detail(e),
    };
    match (e.range(), e.line()) {
        (Some(range), _) => file.error_at(code, range.start, None, message),
        (None, Some(line)) => file.error_at_line(code, line as u64, 1, None, message),
        (None, None) => file.error_whole(code, message),
    }
}

fn detail(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{detail} ({})", e.kind()),
        None => e.kind().to_string(),
    }
}
