//! The one registry of diagnostic codes: every diagnostic carries one, so a user (or a script) can look a problem up in `docs/diagnostics.md` and
//! the wording of a message can change without breaking anyone who matches on it.
//!
//! A code, once published, keeps its meaning; retire a code rather than reuse it. To add
//! one, add a line here (code, summary, example) and regenerate the document with
//! `UPDATE_DIAGNOSTICS_DOC=1 cargo test --lib support::codes`.

/// Declares [`Code`] with its text, summary and example in one table.
macro_rules! codes {
    ($($variant:ident = $code:literal, $summary:literal, $example:literal;)*) => {
        /// A stable diagnostic code, printed as `error[E-…]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, such as `E-ANSWERS-UNKNOWN-KEY`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// What the problem is, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// A message this code is printed with.
            pub fn example(self) -> &'static str {
                match self {
                    $(Code::$variant => $example,)*
                }
            }

            /// The Rust name of the code (`Code::AnswersUnknownKey`), for the usage check.
            #[cfg(test)]
            fn variant_name(self) -> &'static str {
                match self {
                    $(Code::$variant => stringify!($variant),)*
                }
            }
        }
    };
}

codes! {
    // Reading files and directories.
    FileRead = "E-FILE-READ", "A file cannot be read: it is missing, a directory or unreadable.",
        "cannot read the file: no such file";
    FileUtf8 = "E-FILE-UTF8", "A file is not UTF-8 text.",
        "the file is not valid UTF-8 (first bad byte at offset 0)";
    FileEmpty = "E-FILE-EMPTY", "A file holds nothing but blank lines or comments.",
        "the file is empty";
    DataDir = "E-DATA-DIR", "A directory named on the command line (rules, pricing, templates, usage, tests) cannot be read.",
        "cannot read the rules directory no-such-dir: no such directory";
    DataDirEmpty = "E-DATA-DIR-EMPTY", "A directory named on the command line holds no file of the kind it should.",
        "the pricing directory my-prices holds no .toml files";
    DataSymlink = "E-DATA-SYMLINK", "A symbolic link in a data or test directory that dangles or loops; routewise never skips it.",
        "a symbolic link that dangles or loops: no such file";

    // Input limits (docs/limits.md).
    LimitFileSize = "E-LIMIT-FILE-SIZE", "A file is larger than routewise reads (10 MiB for data files).",
        "the file is 20971520 bytes long; routewise reads files of at most 10485760 bytes";
    LimitLine = "E-LIMIT-LINE", "A usage-file line is longer than its limit.",
        "line 1 is longer than 1048576 bytes, the limit for a usage CSV row";
    LimitRuleCount = "E-LIMIT-RULE-COUNT", "The rules directories hold more than 50,000 rules.",
        "60000 rules: a catalogue holds at most 50000 rules (see docs/limits.md); this is the first beyond it";
    LimitJsonPage = "E-LIMIT-JSON-PAGE", "A usage-report JSON page (one top-level value) is larger than 64 MiB.",
        "page 1 of the usage report (one top-level JSON value) is larger than 64 MiB; routewise holds one page at a time";
    LimitName = "E-LIMIT-NAME", "A name or id is longer than 200 characters.",
        "the traffic name is 1000000 characters long; names are at most 200";
    LimitRuleFuel = "E-LIMIT-RULE-FUEL", "A rule ran out of fuel (a loop that would not end).",
        "rule RW299 (rules/r.yaml:3:5): rendering the message failed: … (a rule may run 100000 instructions; see docs/limits.md)";
    LimitRuleDepth = "E-LIMIT-RULE-DEPTH", "A rule's condition or message nested too deep.",
        "rule RW299 (rules/r.yaml:3:5): evaluating the condition failed: recursion limit exceeded";
    LimitTemplateFuel = "E-LIMIT-TEMPLATE-FUEL", "A template ran out of fuel (a loop that would not end).",
        "rendering template `report.md.j2` failed: engine ran out of fuel";
    LimitTemplateDepth = "E-LIMIT-TEMPLATE-DEPTH", "A template nested too deep (a template that includes itself).",
        "rendering template `report.md.j2` failed (included through report.md.j2:3 → …): recursion limit exceeded (invalid operation)";

    // Parsing YAML, TOML and JSON.
    ParseSyntax = "E-PARSE-SYNTAX", "The text is not well-formed YAML, TOML or JSON.",
        "illegal placement of ':' indicator";
    ParseUnknownKey = "E-PARSE-UNKNOWN-KEY", "A key the file format does not know (typos included).",
        "unknown field `cache_hit`, expected one of name, model, input_tokens_per_month, …";
    ParseMissingKey = "E-PARSE-MISSING-KEY", "A required key is missing.",
        "missing field `output_tokens_per_month`";
    ParseInvalidValue = "E-PARSE-INVALID-VALUE", "A value of the wrong type, or out of its range.",
        "-5 is negative; a token count is 0 or more";
    ParseTooComplex = "E-PARSE-TOO-COMPLEX", "A YAML document too large or too deep once aliases expand (an alias bomb).",
        "the document is too large or expands too far through aliases (budget breached: …)";

    // Answers files.
    AnswersUnknownKey = "E-ANSWERS-UNKNOWN-KEY", "An answers file answers a question the questionnaire does not have.",
        "unknown question `clod`";
    AnswersInvalidValue = "E-ANSWERS-INVALID-VALUE", "An answer is not of the question's type or not one of its choices.",
        "`oracle` is not an allowed value for `cloud`";
    SurfacesEmpty = "E-SURFACES-EMPTY", "An answers file's `surfaces:` list is empty.",
        "`surfaces` is empty";
    SurfaceName = "E-SURFACE-NAME", "A surface has no `name`, or a name that is not non-empty text.",
        "a surface has no `name`";
    SurfaceDuplicate = "E-SURFACE-DUPLICATE", "Two surfaces of an answers file share a name.",
        "surface name `voice` is used twice";
    SurfaceUnknown = "E-SURFACE-UNKNOWN", "A traffic entry names a surface the answers file does not have.",
        "unknown surface `vocie`";
    SurfaceUnassigned = "E-SURFACE-UNASSIGNED", "A traffic entry names no surface and could belong to more than one.",
        "traffic `chat` names no surface and it could belong to any of `voice`, `analytics`";
    DecisionNotAMapping = "E-DECISION-NOT-A-MAPPING", "The answers file's `decision:` block is not a mapping.",
        "`decision` takes a mapping of decision-record metadata, found text";
    DecisionUnknownKey = "E-DECISION-UNKNOWN-KEY", "A `decision:` metadata key routewise does not know.",
        "unknown decision metadata key `decison-makers`";
    DecisionInvalidValue = "E-DECISION-INVALID-VALUE", "A `decision:` metadata value of the wrong form (status, date, names).",
        "`done` is not a decision status";

    // Workload files.
    WorkloadNoTraffic = "E-WORKLOAD-NO-TRAFFIC", "A workload lists no traffic entries.",
        "the workload has no traffic entries";
    WorkloadUnknownModel = "E-WORKLOAD-UNKNOWN-MODEL", "A traffic entry names a model no pricing table prices.",
        "unknown model `claude-sonet-4-5`";
    WorkloadCacheRates = "E-WORKLOAD-CACHE-RATES", "A traffic entry's cache rates add up to more than 1.",
        "cache_hit_rate (0.8), cache_write_rate (0.3) and cache_write_1h_rate (0) add up to 1.1, more than 1";
    WorkloadDuplicateName = "E-WORKLOAD-DUPLICATE-NAME", "Two traffic entries share a name.",
        "traffic name `chat` is used twice; line items need distinct names";
    WorkloadServiceTiers = "E-WORKLOAD-SERVICE-TIERS", "A traffic entry's flex and priority shares add up to more than 1.",
        "the service-tier shares (flex 0.7, priority 0.5) add up to 1.2, more than 1";
    WorkloadStartMonth = "E-WORKLOAD-START-MONTH", "A traffic entry starts after the projection's horizon.",
        "traffic `support-agent` starts in month 14, after the 12-month horizon (horizon_months); it would carry no traffic";

    // Prompt-length tiers and dated prices in pricing tables.
    PriceTierCategory = "E-PRICE-TIER-CATEGORY", "A prompt-length tier, dated period or service tier gives other token categories than the model's base price.",
        "tier 0 has no cache_read price, but the base price has one";
    PriceTierThreshold = "E-PRICE-TIER-THRESHOLD", "A prompt-length tier's threshold is zero or repeats another tier's.",
        "tier 1 starts above 100000 input tokens, like tier 0";
    PricePeriodDate = "E-PRICE-PERIOD-DATE", "A dated price period has a bad date, or ends before it starts.",
        "period 0 ends on 2026-01-01, before it starts on 2026-02-01";
    PricePeriodOverlap = "E-PRICE-PERIOD-OVERLAP", "Two dated price periods of one model overlap.",
        "period 1 starts on 2026-12-15, before period 0 ends on 2026-12-31: the periods overlap";
    PricePeriodGap = "E-PRICE-PERIOD-GAP", "Dated price periods of one model leave days without a price.",
        "period 1 starts on 2027-01-05, but period 0 ends on 2026-12-31: the days between have no price";

    // Rules directories: questions, sources, routes.
    CatalogueDuplicateId = "E-CATALOGUE-DUPLICATE-ID", "Two questions, routes or rules of the same layer share an id or code.",
        "`RW090` is defined twice";
    CatalogueNoRoutes = "E-CATALOGUE-NO-ROUTES", "The merged catalogue has no routes.",
        "the catalogue has no routes";
    SourcesDuplicateKey = "E-SOURCES-DUPLICATE-KEY", "Two files of the same layer define the same `sources:` key.",
        "source `anthropic-pricing` is defined twice";
    QuestionReservedId = "E-QUESTION-RESERVED-ID", "A question uses an id reserved for answers-file metadata.",
        "`decision` is reserved for decision-record metadata in answers files; choose another question id";
    QuestionInvalidDriver = "E-QUESTION-INVALID-DRIVER", "A question's `driver` template does not parse or uses an unknown variable.",
        "question `cloud`: the driver does not parse: …";
    QuestionChoices = "E-QUESTION-CHOICES", "A choice question without choices, or a bool question with some.",
        "question `cloud` needs choices";
    QuestionInvalidDefault = "E-QUESTION-INVALID-DEFAULT", "A question's default is not a valid answer to it.",
        "the default of `cloud` is not a valid answer to it";
    RouteUnknownValue = "E-ROUTE-UNKNOWN-VALUE", "A route attribute value is not a choice of the question that defines it.",
        "route `my-route`: `password` is not a known auth value";
    RouteResidencyNone = "E-ROUTE-RESIDENCY-NONE", "A route lists `none` as a residency instead of an empty list.",
        "route `my-route`: list the geographies it keeps data in; leave the list empty for global only";
    RouteUnknownClaim = "E-ROUTE-UNKNOWN-CLAIM", "A route cites a source for something that is not a claim.",
        "route `my-route`: `colour` is not a claim that takes a source";
    RouteUnknownSource = "E-ROUTE-UNKNOWN-SOURCE", "A route's claim cites a source key not defined under `sources:`.",
        "route `my-route`: source `nobody` is not defined under `sources`";
    RouteUnsourcedClaim = "E-ROUTE-UNSOURCED-CLAIM", "A route's claims lack a source.",
        "route `my-route`: no source for the claims billing, residency";
    RouteUnknownBehind = "E-ROUTE-UNKNOWN-BEHIND", "A gateway lists a route behind it that is not another route of the catalogue.",
        "route `my-gateway`: `nowhere` is not another route of the catalogue";
    RouteGatewayEmpty = "E-ROUTE-GATEWAY-EMPTY", "A gateway route lists no routes behind it.",
        "gateway route `my-gateway` must list the routes behind it";
    RouteGatewayOverclaims = "E-ROUTE-GATEWAY-OVERCLAIMS", "A gateway route claims a guarantee that a route behind it does not give.",
        "gateway `my-gateway` claims `zdr`, but `anthropic-api` behind it does not give it";
    GatewayProductShape = "E-GATEWAY-PRODUCT-SHAPE", "A gateway product is not of platform `gateway`, or lists routes behind it.",
        "gateway product `my-gateway` must have platform `gateway` and no `behind`: the portfolio puts routes behind it";
    GatewayProductUnsourced = "E-GATEWAY-PRODUCT-UNSOURCED", "A gateway product's claims lack a known source.",
        "gateway product `my-gateway`: no known source for billing, residency";
    AdoptionUnknownRoute = "E-ADOPTION-UNKNOWN-ROUTE", "An adoption guide names a route the catalogue does not have.",
        "adoption guide for unknown route `nowhere`";
    RouteUnknownTable = "E-ROUTE-UNKNOWN-TABLE", "A route names a pricing table that does not exist.",
        "route `my-route`: no pricing table named `nowhere`";
    RouteCapabilityState = "E-ROUTE-CAPABILITY-STATE", "A capability value's state is not one of yes, configurable, on_request, no, unknown.",
        "route `my-route`: `maybe` is not a capability state";
    RouteCapabilityCondition = "E-ROUTE-CAPABILITY-CONDITION", "A `configurable` or `on_request` value without a condition, or another state with one.",
        "route `my-route`: `configurable` needs a `condition` saying what it takes";
    RouteCapabilityScope = "E-ROUTE-CAPABILITY-SCOPE", "A capability value scoped to a model no pricing table knows, or to an unknown feature.",
        "route `my-route`: the scope names an unknown model `claude-sonet-4-5`";
    RouteCapabilitySource = "E-ROUTE-CAPABILITY-SOURCE", "A capability value cites a source key not defined under `sources:`.",
        "route `my-route`: source `nowhere` is not defined under `sources`";
    SourceNotUrl = "E-SOURCE-NOT-URL", "A source's `url` is not a URL of a public page.",
        "source `mine`: `seed 002 (the provider's blog)` is not a URL";
    SourceCheckedDate = "E-SOURCE-CHECKED-DATE", "A source's `checked` is not a date (YYYY-MM-DD).",
        "source `mine`: `last week` is not a date (YYYY-MM-DD)";

    // Rules.
    RuleConditionSyntax = "E-RULE-CONDITION-SYNTAX", "A rule's `when` condition does not parse.",
        "rule RW090: the condition does not parse: unexpected end of input, expected expression";
    RuleUnknownVariable = "E-RULE-UNKNOWN-VARIABLE", "A rule's condition or message uses an unknown question, route attribute or variable.",
        "rule RW090: `answers.clould` refers to an unknown question `clould`";
    RuleMessageSyntax = "E-RULE-MESSAGE-SYNTAX", "A rule's message template does not parse.",
        "rule RW090: the message template does not parse: …";
    RuleCodeForm = "E-RULE-CODE-FORM", "A rule's code is not a prefix of 2 to 8 upper-case letters, an effect digit and 2 to 5 digits (RW001, ACME1007).",
        "rule code `acme012` has lower-case letters in its prefix `acme`: prefixes are upper case";
    RuleCodeMismatch = "E-RULE-CODE-MISMATCH", "A rule's effect digit (the one after the prefix) does not match its effect: 0 eliminate, 1 score, 2 warn.",
        "rule code `RW190` does not match its effect: eliminate rules are numbered RW0xx";
    RuleWeight = "E-RULE-WEIGHT", "A score rule without a weight, or another rule with one.",
        "score rule RW150 needs a weight";
    RuleEval = "E-RULE-EVAL", "A rule failed while it ran (a condition comparing a list to a number, say).",
        "rule RW090 (rules/r.yaml:3:5): evaluating the condition failed: invalid operation";

    // Pricing tables.
    PricingDuplicateTable = "E-PRICING-DUPLICATE-TABLE", "Two pricing files of the same layer define the same table.",
        "pricing table `bedrock` is defined twice";
    PricingInvalidDate = "E-PRICING-INVALID-DATE", "A pricing table's `as_of` is not a date that exists.",
        "`2026-13-01` does not exist: there is no month 13";
    PricingNoSource = "E-PRICING-NO-SOURCE", "A pricing table does not say where its prices were read.",
        "every pricing table needs a source";
    PricingMultiplierRange = "E-PRICING-MULTIPLIER-RANGE", "A regional multiplier outside 1 to 10.",
        "a regional multiplier of 0.5 is out of range; expected 1 (no premium) to 10";
    PricingUnknownFamily = "E-PRICING-UNKNOWN-FAMILY", "A model's `family` is not a model family of the questionnaire.",
        "`gpt` is not a known model family";
    PricingNoMultiplier = "E-PRICING-NO-MULTIPLIER", "A model carries the regional premium on a table without a multiplier.",
        "`claude-sonnet-4-5` carries the regional premium but table `bedrock` sets no regional_multiplier";
    PricingProvisionedUnpriced = "E-PRICING-PROVISIONED-UNPRICED", "A current provisioned rate for a model no table prices on demand.",
        "no table prices `claude-9` on demand, so its provisioned rate cannot be used; …";

    // Price books.
    PriceBookUnknownName = "E-PRICE-BOOK-UNKNOWN-NAME", "A price book names an unknown provider, route or model.",
        "unknown route `bedrok-global`";
    PriceBookPercent = "E-PRICE-BOOK-PERCENT", "A discount of more than 100%.",
        "120% is more than 100%";
    PriceBookEmptyDiscount = "E-PRICE-BOOK-EMPTY-DISCOUNT", "A discount that names no provider, route or model.",
        "a discount names at least one of provider, route or model";
    PriceBookUnknownTable = "E-PRICE-BOOK-UNKNOWN-TABLE", "An override names a pricing table that does not exist.",
        "unknown pricing table `bedrok`";
    PriceBookUnknownModel = "E-PRICE-BOOK-UNKNOWN-MODEL", "An override names a model its table does not price.",
        "table `bedrock` has no model `gemini-2.5-pro`";
    PriceBookEmptyOverride = "E-PRICE-BOOK-EMPTY-OVERRIDE", "An override that changes no price.",
        "the override changes no price";
    PriceBookNotProvisioned = "E-PRICE-BOOK-NOT-PROVISIONED", "A provisioned quote names a route that is not provisioned throughput.",
        "`anthropic-api` is not a provisioned-throughput route";
    PriceBookEmptyQuote = "E-PRICE-BOOK-EMPTY-QUOTE", "A provisioned quote without an hourly price.",
        "a quote gives at least one hourly price";

    // Templates.
    TemplateSyntax = "E-TEMPLATE-SYNTAX", "A user's report template does not parse.",
        "the template does not parse: unexpected `}`, expected end of variable block";
    TemplateMissing = "E-TEMPLATE-MISSING", "A template the output needs is not there.",
        "no template named `report.md.j2`";
    TemplateRender = "E-TEMPLATE-RENDER", "Rendering a template failed.",
        "rendering template `report.md.j2` failed at line 3: …";

    // Rule test files.
    TestNoCases = "E-TEST-NO-CASES", "A rule test file holds no cases.",
        "the file has no test cases under `cases:`";
    TestNoFiles = "E-TEST-NO-FILES", "`routewise test` has no test files to run (an empty directory, or `--no-shipped` without cases of your own).",
        "tests/ holds no .yaml or .yml test files";
    TestCaseName = "E-TEST-CASE-NAME", "A test case without a name, or with a name used twice.",
        "the case name `unknown things` is used twice";
    TestUnknownRoute = "E-TEST-UNKNOWN-ROUTE", "A test case expects a route the catalogue does not have.",
        "unknown route `bedrock-gobal`";
    TestUnknownRule = "E-TEST-UNKNOWN-RULE", "A test case expects a rule code that does not exist.",
        "unknown rule code `RW999`";
    TestWrongEffect = "E-TEST-WRONG-EFFECT", "A test case lists a rule under the wrong effect.",
        "`RW001` is an elimination rule, but this list takes score rules";
    TestExpectsNothing = "E-TEST-EXPECTS-NOTHING", "A test case that expects nothing, so it cannot fail.",
        "the case expects nothing, so it cannot fail";

    // Decision records kept by `advise --supersede`.
    RecordDuplicateNumber = "E-RECORD-DUPLICATE-NUMBER", "Two decision records in a `--supersede` directory share a number.",
        "decisions: two records are numbered 0003: 0003-route.md and 0003-other.md";

    // Reports compared by `routewise diff`.
    ReportNotAReport = "E-REPORT-NOT-A-REPORT", "A file given to `diff` is not a routewise JSON report.",
        "not a routewise JSON report: missing field `name`";
    ReportNewerSchema = "E-REPORT-NEWER-SCHEMA", "A report written by a newer routewise.",
        "the report has schema version 2, newer than the 1 this routewise reads";
    GateNeedsCost = "E-GATE-NEEDS-COST", "The cost-increase gate compares reports that price no workload.",
        "the gate `cost-increase=10%` compares the recommended route's monthly cost, but neither report prices a workload";
    GateNeedsAge = "E-GATE-NEEDS-AGE", "The stale-pricing gate has no age limit to check.",
        "the gate `stale-pricing` needs an age limit: pass --max-pricing-age DAYS …";

    // Usage files read by `replay`.
    UsageUnreadable = "E-USAGE-UNREADABLE", "A usage file cannot be read to its end.",
        "cannot read the file: stream did not contain valid UTF-8";
    UsageEmpty = "E-USAGE-EMPTY", "A usage file is empty.",
        "the file is empty";
    UsageHeader = "E-USAGE-HEADER", "A usage CSV header lacks a required column or names one twice.",
        "the header has no `input_tokens` column";
    UsageInvalidValue = "E-USAGE-INVALID-VALUE", "A usage row's value is empty, not a number, or not a time.",
        "`input_tokens` value `lots` is not a number";
    UsageRowWidth = "E-USAGE-ROW-WIDTH", "A usage CSV row has a different number of fields from its header.",
        "the row has 3 fields but the header has 4";
    UsageCacheSplit = "E-USAGE-CACHE-SPLIT", "More 1-hour cache writes than cache writes in all.",
        "`cache_creation_1h_input_tokens` (10) is more than `cache_creation_input_tokens` (5), which counts every cache write";
    UsageOverflow = "E-USAGE-OVERFLOW", "Token totals that do not fit in 64 bits.",
        "merged token totals do not fit in 64 bits";
    UsageNotAReport = "E-USAGE-NOT-A-REPORT", "A JSON usage file that is not the usage report, or is cut off.",
        "this is not valid usage-report JSON: expected value";
    UsageIsABill = "E-USAGE-IS-A-BILL", "A bill (CUR, FOCUS, cost report) given where usage is expected.",
        "this is a bill (AWS CUR 2.0), not usage: it holds amounts, not the tokens replay prices";
    BillUnreadable = "E-BILL-UNREADABLE", "A bill given to --reconcile cannot be read to its end.",
        "cannot read the bill: unexpected end of file";
    BillHeader = "E-BILL-HEADER", "A bill's header lacks a column reconciliation needs.",
        "the bill has no `line_item_usage_type` column; is it a CUR 2.0 export?";
    BillInvalidValue = "E-BILL-INVALID-VALUE", "A bill line's amount, quantity or date does not read.",
        "`line_item_unblended_cost` is `abc`, not a number";
    BillEmpty = "E-BILL-EMPTY", "A bill with no lines.",
        "the bill is empty";
    UsageDbUnreachable = "E-USAGE-DB-UNREACHABLE", "The LiteLLM database named by --litellm-db cannot be reached.",
        "cannot connect to PostgreSQL at localhost:5432/litellm: connection refused";
    UsageDbQuery = "E-USAGE-DB-QUERY", "Reading the LiteLLM spend logs from the database failed.",
        "reading \"LiteLLM_SpendLogs\" on localhost:5432/litellm: relation does not exist";
    UsageInvalidBucket = "E-USAGE-INVALID-BUCKET", "A usage-report bucket without a valid time range.",
        "the bucket has no starting_at";
    UsageSamplingRate = "E-USAGE-SAMPLING-RATE", "A sampled log without --sampling-rate, or --sampling-rate on a log that is not sampled.",
        "Vertex request-response logging is sampled, and its rows do not say at what rate";

    // Price lists compared by `routewise prices check`.
    PriceFeedUnknown = "E-PRICE-FEED-UNKNOWN", "A file given to `prices check` is not a price list routewise knows.",
        "not a price list routewise knows";
    PriceFeedEmpty = "E-PRICE-FEED-EMPTY", "A price list with no priced model in it.",
        "a LiteLLM price list with no priced model in it";
    PriceFeedNoMatch = "E-PRICE-FEED-NO-MATCH", "No price in the list matches a model of the routewise tables.",
        "no price in `prices.json` matches a model of the routewise tables; nothing was compared";

    // Command-line arguments and the environment.
    ArgThreshold = "E-ARG-THRESHOLD", "A --reconcile-threshold that is not a percentage.",
        "--reconcile-threshold `abc` is not a percentage (a number such as 1 or 2.5)";
    ArgUnknownRoute = "E-ARG-UNKNOWN-ROUTE", "A route named on the command line does not exist.",
        "--route: unknown route `bedrok-global`";
    ArgUnknownRule = "E-ARG-UNKNOWN-RULE", "A rule code named on the command line does not exist.",
        "unknown rule `RW999`";
    ArgInvalidValue = "E-ARG-INVALID-VALUE", "A command-line value that does not read (growth, sweep).",
        "--growth: `ten` is not a percentage";
    ArgConflict = "E-ARG-CONFLICT", "Command-line options that do not go together.",
        "--supersede keeps decision records: it needs --format madr";
    ArgMissingInput = "E-ARG-MISSING-INPUT", "A command is missing the input it reads.",
        "give --usage FILE or --litellm-db URL";
    AskNoTerminal = "E-ASK-NO-TERMINAL", "`routewise ask` was run without a terminal on standard input.",
        "`routewise ask` needs a terminal on standard input to ask its questions";
    ArgMissingDate = "E-ARG-MISSING-DATE", "An age limit without a date to measure ages to.",
        "--max-pricing-age needs a date to measure ages to: pass --today YYYY-MM-DD or set SOURCE_DATE_EPOCH";
    EnvInvalidEpoch = "E-ENV-INVALID-EPOCH", "`SOURCE_DATE_EPOCH` is not a number of seconds.",
        "SOURCE_DATE_EPOCH `yesterday` is not a number of seconds since 1970";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `docs/diagnostics.md` as the registry describes it.
pub fn document() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n\
         Every problem routewise reports carries a stable code, printed as \
         `error[E-…]: message`, followed by the file, line, column and key. The wording of a \
         message may improve; the code keeps its meaning. This page is generated from \
         `src/support/codes.rs` (`UPDATE_DIAGNOSTICS_DOC=1 cargo test --lib support::codes`), \
         and a test fails when the two disagree.\n\n\
         Input problems exit with code 2. An internal failure of routewise is reported as \
         `error: internal error …` and exits with code 1.\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {}\n\n{}\n\nExample:\n\n```text\nerror[{}]: {}\n```\n",
            code.as_str(),
            code.summary(),
            code.as_str(),
            code.example()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} is listed twice");
            assert!(
                text.starts_with("E-")
                    && text[2..]
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'),
                "{text} is not of the form E-WORDS-IN-CAPITALS"
            );
            assert!(!code.summary().is_empty() && !code.example().is_empty());
        }
    }

    #[test]
    fn the_document_lists_every_code_and_no_other() {
        let path = root().join("docs/diagnostics.md");
        let expected = document();
        if std::env::var_os("UPDATE_DIAGNOSTICS_DOC").is_some() {
            std::fs::write(&path, &expected).expect("write docs/diagnostics.md");
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        let headings: Vec<&str> = actual
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .collect();
        for code in Code::ALL {
            assert!(
                headings.contains(&code.as_str()),
                "docs/diagnostics.md does not describe {code}; run UPDATE_DIAGNOSTICS_DOC=1 cargo test --lib support::codes"
            );
        }
        for heading in &headings {
            assert!(
                Code::ALL.iter().any(|c| c.as_str() == *heading),
                "docs/diagnostics.md describes {heading}, which is not in src/support/codes.rs"
            );
        }
        assert!(
            actual == expected,
            "docs/diagnostics.md differs from the registry's summaries or examples; run UPDATE_DIAGNOSTICS_DOC=1 cargo test --lib support::codes"
        );
    }

    fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                out.push((path, text));
            }
        }
    }

    #[test]
    fn every_code_is_used_somewhere() {
        let mut files = Vec::new();
        sources(&root().join("src"), &mut files);
        let this = Path::new(file!()).file_name().expect("file name");
        let unused: Vec<&str> = Code::ALL
            .iter()
            .filter(|code| {
                let needle = format!("Code::{}", code.variant_name());
                !files.iter().any(|(path, text)| {
                    path.file_name() != Some(this)
                        && text.match_indices(&needle).any(|(i, _)| {
                            // `Code::Rule` must not count as a use of `Code::RuleWeight`.
                            !text[i + needle.len()..]
                                .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                        })
                })
            })
            .map(|code| code.as_str())
            .collect();
        assert!(
            unused.is_empty(),
            "codes no diagnostic uses (remove them or use them): {}",
            unused.join(", ")
        );
    }
}
