import SidecarConfig

/// The built-in detector library (`processors.redaction.builtins`), in the fixed order they run.
/// docs/redaction.md lists what each one matches and what it leaves alone.
enum BuiltinDetectors {
    typealias Flag = Features.Flag

    /// One way a detector finds candidates.
    struct MatcherSpec: Sendable {
        var prefilter: Prefilter
        /// The string must also contain one of these (ignoring ASCII case; two bytes or more); empty: no such check.
        var literals: [String] = []
        var engine: Engine

        enum Engine: Sendable {
            case regex(String, Validator?)
            /// `key=value`, `key: value` and `"key": "value"` pairs whose key names a secret.
            case keyedSecrets
        }
    }

    struct Spec: Sendable {
        var pattern: SidecarConfiguration.BuiltinPattern
        var matchers: [MatcherSpec]
        /// Values under these keys are not checked by this detector (e.g. `service.version` for ipv4).
        var excludedKeys: [String] = []
    }

    /// The run order: credentials first (they contain digits other detectors would claim), then
    /// email, IBAN before card and phone (its digit groups), SSN before phone, addresses last but phone.
    static let order: [SidecarConfiguration.BuiltinPattern] = [
        .bearer, .jwt, .awsAccessKey, .githubToken, .slackToken, .apiKey,
        .email, .iban, .card, .usSSN, .ipv6, .ipv4, .phone,
    ]

    static func spec(_ pattern: SidecarConfiguration.BuiltinPattern) -> Spec {
        switch pattern {
        case .bearer: return bearer
        case .jwt: return jwt
        case .awsAccessKey: return aws
        case .githubToken: return github
        case .slackToken: return slack
        case .apiKey: return apiKey
        case .email: return email
        case .iban: return iban
        case .card: return card
        case .usSSN: return ssn
        case .ipv6: return ipv6
        case .ipv4: return ipv4
        case .phone: return phone
        }
    }

    static let bearer = Spec(pattern: .bearer, matchers: [
        MatcherSpec(
            prefilter: Prefilter(all: Flag.space),
            literals: ["bearer", "basic"],
            engine: .regex(#"(?i)(?<![A-Za-z0-9_])(?:bearer|basic)\s+\K[A-Za-z0-9._~+/\-]{8,}=*"#, Validators.credential)
        ),
        MatcherSpec(
            prefilter: Prefilter(any: Flag.colon | Flag.equals),
            literals: ["authorization"],
            engine: .regex(
                #"(?i)authorization["']?\s*[:=]\s*["']?(?:[A-Za-z][A-Za-z0-9_\-]*\s+)?\K[A-Za-z0-9._~+/\-]{8,}=*"#,
                Validators.credential
            )
        ),
    ])

    static let jwt = Spec(pattern: .jwt, matchers: [
        MatcherSpec(
            prefilter: Prefilter(dots: 2),
            literals: ["eyJ"],
            engine: .regex(
                #"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+){0,2}"#,
                nil
            )
        ),
    ])

    static let aws = Spec(pattern: .awsAccessKey, matchers: [
        MatcherSpec(
            prefilter: Prefilter(all: Flag.upper),
            literals: ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "A3T"],
            engine: .regex(
                #"(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}(?![A-Za-z0-9])"#,
                nil
            )
        ),
        MatcherSpec(
            prefilter: Prefilter(any: Flag.colon | Flag.equals),
            literals: ["secret"],
            engine: .regex(
                #"(?i)(?:secret_?access_?key|aws_?secret(?:_?key)?)["']?\s*[:=]\s*["']?\K[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"#,
                nil
            )
        ),
    ])

    static let github = Spec(pattern: .githubToken, matchers: [
        MatcherSpec(
            prefilter: Prefilter(all: Flag.underscore),
            literals: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
            engine: .regex(
                #"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,242})(?![A-Za-z0-9_])"#,
                nil
            )
        ),
    ])

    static let slack = Spec(pattern: .slackToken, matchers: [
        MatcherSpec(
            prefilter: Prefilter(any: Flag.dash | Flag.slash),
            literals: ["xox", "xapp-", "hooks.slack.com"],
            engine: .regex(
                #"(?<![A-Za-z0-9\-])(?:xox[abposre]-[A-Za-z0-9\-]{10,250}|xapp-[0-9]-[A-Za-z0-9\-]{10,250})|https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]{16,}"#,
                nil
            )
        ),
    ])

    static let apiKey = Spec(pattern: .apiKey, matchers: [
        MatcherSpec(
            prefilter: Prefilter(),
            literals: ["sk-", "sk_", "pk_", "rk_", "AIza", "glpat-", "npm_", "hf_", "xai-", "gsk_", "pypi-", "SG."],
            engine: .regex(
                #"(?<![A-Za-z0-9_\-])(?:sk-(?:proj-|ant-(?:api[0-9]{2}-|admin[0-9]{2}-)?|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_\-]{35}|glpat-[A-Za-z0-9_\-]{20,}|npm_[A-Za-z0-9]{36}|hf_[A-Za-z0-9]{30,}|xai-[A-Za-z0-9]{20,}|gsk_[A-Za-z0-9]{20,}|pypi-[A-Za-z0-9_\-]{50,}|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-])"#,
                Validators.credential
            )
        ),
        MatcherSpec(
            prefilter: Prefilter(any: Flag.colon | Flag.equals),
            literals: KeyedSecrets.stems,
            engine: .keyedSecrets
        ),
    ])

    static let email = Spec(pattern: .email, matchers: [
        MatcherSpec(
            prefilter: Prefilter(all: Flag.at | Flag.dot),
            engine: .regex(
                #"(?<![A-Za-z0-9._%+\-\x80-\xff])[A-Za-z0-9._%+\-\x80-\xff]+@(?:[A-Za-z0-9\x80-\xff](?:[A-Za-z0-9\-\x80-\xff]{0,61}[A-Za-z0-9\x80-\xff])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])(?<!\.png|\.jpg|\.gif|\.svg|\.css|\.jpeg|\.webp|\.ico)"#,
                nil
            )
        ),
    ])

    static let iban = Spec(pattern: .iban, matchers: [
        MatcherSpec(
            prefilter: Prefilter(digits: 8, ibanShape: true),
            engine: .regex(#"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){11,32}"#, Validators.iban)
        ),
    ])

    static let card = Spec(pattern: .card, matchers: [
        MatcherSpec(
            prefilter: Prefilter(cardDigits: 13),
            engine: .regex(
                #"(?<![0-9.,\-]|[0-9][ \-])[0-9](?:[ \-]?[0-9]){12,18}(?![0-9]|[ \-][0-9]|[.,][0-9])"#,
                Validators.card
            )
        ),
    ])

    static let ssn = Spec(pattern: .usSSN, matchers: [
        MatcherSpec(
            prefilter: Prefilter(cardDigits: 9),
            engine: .regex(
                #"(?<![0-9\-]|[0-9] )(?!000|666|9[0-9][0-9])[0-9]{3}([\- ])(?!00)[0-9]{2}\1(?!0000)[0-9]{4}(?![0-9]|[\- ][0-9])"#,
                nil
            )
        ),
        MatcherSpec(
            prefilter: Prefilter(cardDigits: 9),
            literals: ["ssn", "social security", "sozialversicherungsnummer"],
            engine: .regex(
                #"(?i)(?<![A-Za-z])(?:ssn|social security(?: number| no\.?)?|sozialversicherungsnummer)(?![A-Za-z])[^0-9\n]{0,20}\K(?!000|666|9[0-9][0-9])[0-9]{9}(?![0-9])"#,
                nil
            )
        ),
    ])

    static let ipv6 = Spec(pattern: .ipv6, matchers: [
        MatcherSpec(
            prefilter: Prefilter(colons: 2),
            engine: .regex(
                #"(?<![A-Za-z0-9_:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]+(?:(?<=:)(?:[0-9]{1,3}\.){3}[0-9]{1,3})?(?![A-Za-z0-9_:])"#,
                Validators.ipv6
            )
        ),
    ], excludedKeys: ["version"])

    private static let octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
    /// Version markers before an IP-like number: `v1.2.3.4`, `version 1.2.3.4`, `build=10.0.0.1`, …
    private static let versionContext =
        #"(?<![A-Za-z0-9_.\-])(?<!(?i:version)\s|(?i:version):\s|(?i:version):|(?i:version)=|(?i:version)"|(?i:version)":"|(?i:version)": "|(?i:release)\s|(?i:firmware)\s|(?i:build)\s|(?i:build)=|(?i:ver)\s|(?i:ver)\.\s|(?i:ver)=|(?i:rev)\s)"#

    static let ipv4 = Spec(pattern: .ipv4, matchers: [
        MatcherSpec(
            prefilter: Prefilter(digits: 4, dots: 3),
            engine: .regex(
                versionContext + "(?:\(octet)\\.){3}\(octet)" + #"(?![0-9]|\.[0-9]|-[A-Za-z0-9]|[A-Za-z_])"#,
                Validators.ipv4
            )
        ),
    ], excludedKeys: ["version"])

    /// International (`+CC …`), parenthesised area codes, national numbers with a trunk 0, US and
    /// Chinese mobile layouts; bare digit runs only after a word such as "phone" or "tel".
    static let phone = Spec(pattern: .phone, matchers: [
        MatcherSpec(
            prefilter: Prefilter(phoneDigits: 7),
            engine: .regex(
                #"(?<![A-Za-z0-9_+.\-/,]|[0-9][ .\-])(?:\+[1-9][0-9]{0,14}+(?:[ .\-]?\([0-9]{1,5}\)[ .\-]?[0-9]++|[ .\-][0-9]++){0,6}+|\([0-9]{2,5}\)[ .\-]?[0-9]++(?:[ .\-][0-9]++){0,2}+|0[0-9]{1,4}+[ .\-/][0-9]{2,8}+(?:[ .\-][0-9]{2,8}+){0,3}+|1[ .\-][2-9][0-9]{2}([ .\-])[0-9]{3}\1[0-9]{4}|[2-9][0-9]{2}([.\-])[0-9]{3}\2[0-9]{4}|[2-9][0-9]{2} [0-9]{3} [0-9]{4}|1[3-9][0-9][ \-][0-9]{4}[ \-][0-9]{4})(?![0-9]|[.\-/][0-9]|[A-Za-z_])"#,
                Validators.phone
            )
        ),
        MatcherSpec(
            prefilter: Prefilter(phoneDigits: 7),
            literals: ["phone", "tel", "mobil", "cell", "fax", "whatsapp", "handy", "tlf", "téléphone", "teléfono", "電話", "电话", "手机", "携帯", "전화"],
            engine: .regex(
                #"(?i)(?:(?<![A-Za-z])(?:phone|tel|mobile|cell|fax|whatsapp|telefon|telefono|telefone|t(?:e|é)l(?:e|é)phone|tel(?:e|é)fono|handy|mobil|tlf)(?![A-Za-z])|電話|电话|手机|携帯|전화)[^0-9\n]{0,20}\K\+?[0-9](?:[ .\-()]?[0-9]){6,14}(?![0-9])"#,
                Validators.phone
            )
        ),
    ])
}
