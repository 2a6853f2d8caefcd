//! Which traffic belongs to which surface, and the inputs of one surface.
//!
//! A traffic entry names its surface with `surface:`. An entry without one belongs to the
//! single surface that has no traffic of its own; when no surface, or more than one, is
//! left without traffic, the entry is ambiguous and is an error (it is never priced twice).

use crate::model::answers::Surface;
use crate::model::workload::Workload;
use crate::support::diagnostic::{Code, Diagnostics, SourceFile};

/// For each surface (in order), the indices of the traffic entries it carries; every
/// problem (unknown surface, ambiguous entry) is pushed with its position.
pub fn assign_traffic(
    surfaces: &[Surface],
    workload: &Workload,
    file: &SourceFile,
    problems: &mut Diagnostics,
) -> Vec<Vec<usize>> {
    let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); surfaces.len()];
    let names: Vec<&str> = surfaces.iter().map(|s| s.name.as_str()).collect();
    let mut unassigned = Vec::new();
    for (i, entry) in workload.traffic.iter().enumerate() {
        let Some(surface) = &entry.value.surface else {
            unassigned.push(i);
            continue;
        };
        let key = format!("traffic[{i}].surface");
        let at = |code: Code, message: String| {
            file.error_at_line(
                code,
                surface.referenced.line(),
                surface.referenced.column(),
                Some(&key),
                message,
            )
        };
        if surfaces.is_empty() {
            problems.push(at(Code::SurfaceUnknown, format!(
                "traffic names the surface `{}`, but the answers have no `surfaces:`",
                surface.value
            )).with_help("add the surface to the answers file's `surfaces:` list, or remove `surface:` from the traffic"));
            continue;
        }
        match names.iter().position(|n| *n == surface.value) {
            Some(s) => assigned[s].push(i),
            None => {
                let help = match crate::support::suggest::closest(&surface.value, &names) {
                    Some(best) => format!("did you mean `{best}`? surfaces: {}", names.join(", ")),
                    None => format!("surfaces: {}", names.join(", ")),
                };
                problems.push(
                    at(
                        Code::SurfaceUnknown,
                        format!("unknown surface `{}`", surface.value),
                    )
                    .with_help(help),
                );
            }
        }
    }
    if surfaces.is_empty() {
        return assigned;
    }
    let empty: Vec<usize> = (0..surfaces.len())
        .filter(|s| assigned[*s].is_empty())
        .collect();
    for i in unassigned {
        if let [only] = empty[..] {
            assigned[only].push(i);
            continue;
        }
        let entry = &workload.traffic[i];
        let candidates = if empty.is_empty() {
            "every surface has traffic of its own".to_owned()
        } else {
            format!(
                "it could belong to any of {}",
                empty
                    .iter()
                    .map(|s| format!("`{}`", names[*s]))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        problems.push(
            file.error_at_line(
                Code::SurfaceUnassigned,
                entry.referenced.line(),
                entry.referenced.column(),
                Some(&format!("traffic[{i}]")),
                format!(
                    "traffic `{}` names no surface and {candidates}",
                    entry.value.name
                ),
            )
            .with_help(format!(
                "add `surface: NAME` to the entry (surfaces: {})",
                names.join(", ")
            )),
        );
    }
    assigned
}
