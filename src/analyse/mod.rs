//! Stage 3: analysis — metrics, scores, quadrants, findings and aggregates, as pure functions
//! of the validated portfolio. Nothing here reads files, prints or builds HTML.

pub mod rules;
