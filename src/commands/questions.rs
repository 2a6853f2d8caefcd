//! `routewise questions`: the questionnaire with its choices and defaults, as text or as a
//! commented answers file to fill in (`--format yaml`).

use crate::cli::{DataArgs, QuestionsFormat};
use crate::commands::AppError;
use crate::commands::routes::load_catalogue;
use crate::model::question::QuestionKind;

pub fn run(args: &DataArgs, format: QuestionsFormat) -> Result<String, AppError> {
    let (catalogue, _) = load_catalogue(args)?;
    if format == QuestionsFormat::Yaml {
        return Ok(crate::outputs::answers_file::render(
            &catalogue.questions,
            &Default::default(),
        ));
    }
    let mut out = String::new();
    for q in &catalogue.questions {
        let kind = match q.kind {
            QuestionKind::Choice => "one of",
            QuestionKind::List => "a list of",
            QuestionKind::Bool => "true or false",
        };
        out.push_str(&format!(
            "{}  ({kind}; default: {})\n    {}\n",
            q.id, q.default, q.prompt
        ));
        for choice in &q.choices {
            out.push_str(&format!("    - {}: {}\n", choice.value, choice.label));
        }
        out.push('\n');
    }
    Ok(out)
}
