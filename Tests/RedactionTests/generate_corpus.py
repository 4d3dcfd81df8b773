#!/usr/bin/env python3
"""Generates the labeled redaction corpus in Corpus/ (deterministic: fixed seed, no network).

Corpus/pii.tsv    kind <TAB> secret[<US>secret...] <TAB> line   -- every secret must disappear
Corpus/clean.tsv  category <TAB> line                            -- must come out unchanged

Run: python3 Tests/RedactionTests/generate_corpus.py   (rewrites both files)
"""
import base64
import json
import os
import random

R = random.Random(20261122)
US = "\x1f"
HERE = os.path.dirname(os.path.abspath(__file__))

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
HEX = "0123456789abcdef"


def rand(chars, n):
    return "".join(R.choice(chars) for _ in range(n))


def token(n):
    # Mixed case and digits, like real secrets.
    while True:
        t = rand(ALNUM, n)
        if any(c.isdigit() for c in t) and any(c.isupper() for c in t) and any(c.islower() for c in t):
            return t


def luhn_ok(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def luhn_complete(prefix, length):
    body = prefix + "".join(R.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


def iban(country, bban):
    rearranged = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"


def group(s, n, sep=" "):
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ---------------------------------------------------------------------------------------------
# PII generators: each returns (secrets, line)

def email():
    first = R.choice(["jane", "john", "maria", "li.wei", "o.connor", "anna-lena", "k.tanaka", "sam+test", "ops_team", "x"])
    last = R.choice(["doe", "smith", "garcia", "muller", "dupont", "rossi", "kowalski", "ng", "silva", ""])
    local = f"{first}.{last}{R.randint(1, 999)}" if last else f"{first}{R.randint(1, 99)}"
    domain = R.choice(["example.com", "mail.example.co.uk", "uni-berlin.de", "example.jp", "company.io", "sub.domain.org",
                       "exämple.de", "correo.example.es", "example.fr", "example.cn"])
    e = f"{local}@{domain}"
    ctx = R.choice([
        "Contact: {}", "send the report to <{}> today", 'From: "Jane Doe" <{}>', "user={}", '{{"email":"{}","plan":"pro"}}',
        "mailto:{}", "E-Mail: {} bitte antworten", "Courriel : {}", "メール: {} です", "邮箱{}联系我们", "correo {}.", "({})",
        "'{}'", "{} signed up", "notify {},ops@example.net", "user {} not found", "Reply-To: {}", "cc={}&subject=hi",
    ])
    secrets = [e] + (["ops@example.net"] if "ops@example.net" in ctx else [])
    return secrets, ctx.format(e)


def phone():
    formats = [
        lambda: f"+1{R.choice('23456789')}{rand('0123456789', 2)}{R.choice('23456789')}{rand('0123456789', 6)}",
        lambda: f"+44 20 {rand('0123456789', 4)} {rand('0123456789', 4)}",
        lambda: f"+49 30 {rand('0123456789', 7)}",
        lambda: f"+49 (0)30 {rand('0123456789', 7)}",
        lambda: f"+33 1 {group(rand('0123456789', 8), 2)}",
        lambda: f"+33 6 {group(rand('0123456789', 8), 2)}",
        lambda: f"+81-3-{rand('0123456789', 4)}-{rand('0123456789', 4)}",
        lambda: f"+86 138 {rand('0123456789', 4)} {rand('0123456789', 4)}",
        lambda: f"+91 98{rand('0123456789', 3)} {rand('0123456789', 5)}",
        lambda: f"+34 612 {rand('0123456789', 2)} {rand('0123456789', 2)} {rand('0123456789', 2)}",
        lambda: f"+1 (415) {R.choice('23456789')}{rand('0123456789', 2)}-{rand('0123456789', 4)}",
        lambda: f"+55 11 9{rand('0123456789', 4)}-{rand('0123456789', 4)}",
        lambda: f"+61 2 {rand('0123456789', 4)} {rand('0123456789', 4)}",
        lambda: f"+7 495 {rand('0123456789', 3)}-{rand('0123456789', 2)}-{rand('0123456789', 2)}",
        lambda: f"({R.choice('23456789')}{rand('0123456789', 2)}) {R.choice('23456789')}{rand('0123456789', 2)}-{rand('0123456789', 4)}",
        lambda: f"{R.choice('23456789')}{rand('0123456789', 2)}-{R.choice('23456789')}{rand('0123456789', 2)}-{rand('0123456789', 4)}",
        lambda: f"{R.choice('23456789')}{rand('0123456789', 2)}.{R.choice('23456789')}{rand('0123456789', 2)}.{rand('0123456789', 4)}",
        lambda: f"{R.choice('23456789')}{rand('0123456789', 2)} {R.choice('23456789')}{rand('0123456789', 2)} {rand('0123456789', 4)}",
        lambda: f"1-{R.choice('23456789')}{rand('0123456789', 2)}-{R.choice('23456789')}{rand('0123456789', 2)}-{rand('0123456789', 4)}",
        lambda: f"020 {rand('0123456789', 4)} {rand('0123456789', 4)}",
        lambda: f"07700 {rand('0123456789', 6)}",
        lambda: f"030 {rand('0123456789', 7)}",
        lambda: f"0170 {rand('0123456789', 7)}",
        lambda: f"089/{rand('0123456789', 7)}",
        lambda: f"01 {group(rand('0123456789', 8), 2)}",
        lambda: f"06.{group(rand('0123456789', 8), 2, '.')}",
        lambda: f"03-{rand('0123456789', 4)}-{rand('0123456789', 4)}",
        lambda: f"090-{rand('0123456789', 4)}-{rand('0123456789', 4)}",
        lambda: f"138 {rand('0123456789', 4)} {rand('0123456789', 4)}",
        lambda: f"139-{rand('0123456789', 4)}-{rand('0123456789', 4)}",
        lambda: f"(11) 9{rand('0123456789', 4)}-{rand('0123456789', 4)}",
    ]
    keyword_bare = [
        lambda: ("phone: {}", f"{R.choice('23456789')}{rand('0123456789', 9)}"),
        lambda: ("tel:{}", f"+{R.choice('123456789')}{rand('0123456789', 10)}"),
        lambda: ("Telefon {}", f"0170{rand('0123456789', 7)}"),
        lambda: ("电话 {}", f"138{rand('0123456789', 8)}"),
        lambda: ("mobile={}", f"139{rand('0123456789', 8)}"),
        lambda: ("電話番号：{}", f"090{rand('0123456789', 8)}"),
        lambda: ("Mobil: {}", f"0151{rand('0123456789', 8)}"),
        lambda: ('{{"phone":"{}"}}', f"{R.choice('23456789')}{rand('0123456789', 9)}"),
    ]
    if R.random() < 0.25:
        ctx, p = R.choice(keyword_bare)()
        return [p], ctx.format(p)
    p = R.choice(formats)()
    ctx = R.choice([
        "call me at {}", "Phone: {}", "Tel. {}", "tel={}", '{{"phone":"{}"}}', "Rückruf unter {} erbeten",
        "appelez le {} svp", "llámame al {}", "電話 {} まで", "联系电话：{}", "customer phone {} verified",
        "{} (mobile)", "contact {}, thanks", "whatsapp {}",
    ])
    return [p], ctx.format(p)


def card():
    brand = R.choice(["visa", "visa", "mc", "mc2", "amex", "discover", "jcb", "diners", "unionpay"])
    if brand == "visa":
        n = luhn_complete("4", 16)
    elif brand == "mc":
        n = luhn_complete(str(R.randint(51, 55)), 16)
    elif brand == "mc2":
        n = luhn_complete(str(R.randint(2221, 2720)), 16)
    elif brand == "amex":
        n = luhn_complete(R.choice(["34", "37"]), 15)
    elif brand == "discover":
        n = luhn_complete("6011", 16)
    elif brand == "jcb":
        n = luhn_complete(str(R.randint(3528, 3589)), 16)
    elif brand == "diners":
        n = luhn_complete("36", 14)
    else:
        n = luhn_complete("62", 16)
    style = R.choice(["plain", "space4", "dash4", "amex"])
    if style == "space4":
        text = group(n, 4)
    elif style == "dash4":
        text = group(n, 4, "-")
    elif style == "amex" and len(n) == 15:
        text = f"{n[:4]} {n[4:10]} {n[10:]}"
    else:
        text = n
    ctx = R.choice([
        "card={}", "paid with {} exp 12/27", '{{"card_number_masked":false,"pan":"{}"}}', "Kartennummer: {}",
        "numéro de carte {} refusé", "カード番号 {}", "charge failed for {}", "pan {}", "cc:{}", "{}",
        "tarjeta {} aprobada", "card {} ok",
    ])
    return [text], ctx.format(text)


IBAN_SPECS = [
    ("DE", lambda: rand("0123456789", 18)),
    ("GB", lambda: rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + rand("0123456789", 14)),
    ("FR", lambda: rand("0123456789", 23)),
    ("ES", lambda: rand("0123456789", 20)),
    ("IT", lambda: R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rand("0123456789", 22)),
    ("NL", lambda: rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + rand("0123456789", 10)),
    ("BE", lambda: rand("0123456789", 12)),
    ("CH", lambda: rand("0123456789", 17)),
    ("AT", lambda: rand("0123456789", 16)),
    ("PL", lambda: rand("0123456789", 24)),
]


def iban_line():
    country, bban = R.choice(IBAN_SPECS)
    i = iban(country, bban())
    text = group(i, 4) if R.random() < 0.5 else i
    ctx = R.choice([
        "IBAN: {}", "Überweisung an {} erfolgt", "iban={}", '{{"iban":"{}"}}', "virement vers {}", "cuenta {}",
        "refund to {} pending", "{}", "payout account {}.", "bank {} ok",
    ])
    return [text], ctx.format(text)


def ssn():
    while True:
        area = R.randint(1, 899)
        if area != 666:
            break
    n = f"{area:03d}{R.randint(1, 99):02d}{R.randint(1, 9999):04d}"
    form = R.choice(["dash", "dash", "space", "keyword"])
    if form == "dash":
        s = f"{n[:3]}-{n[3:5]}-{n[5:]}"
        ctx = R.choice(["SSN {}", "ssn={}", "social security number {}", '{{"ssn":"{}"}}', "applicant {} verified", "{}"])
    elif form == "space":
        s = f"{n[:3]} {n[3:5]} {n[5:]}"
        ctx = R.choice(["SSN: {}", "ssn {}", "SSN# {}"])
    else:
        s = n
        ctx = R.choice(["SSN: {}", "ssn={}", "Social Security No. {}", "social security number: {}"])
    return [s], ctx.format(s)


def ipv4():
    while True:
        a = R.choice([10, 172, 192, 203, 198, 8, 34, 52, 100, 185, 91])
        o = [a, R.randint(0, 255), R.randint(0, 255), R.randint(1, 254)]
        if a != 127:
            break
    ip = ".".join(map(str, o))
    ctx = R.choice([
        "client {} connected", "ip={}", "[{}]:8080", "http://{}/health", "X-Forwarded-For: {}", "from {}.",
        "addr:{}", "IP-Adresse {} gesperrt", "アドレス {}", "remote_addr={} status=200", '{{"client_ip":"{}"}}',
        "denied {} (rate limit)", "peer {}:443",
    ])
    return [ip], ctx.format(ip)


def ipv6():
    forms = [
        lambda: f"2001:db8::{R.randint(1, 0xffff):x}",
        lambda: ":".join(f"{R.randint(0, 0xffff):04x}" for _ in range(8)),
        lambda: f"fe80::{R.randint(1, 0xffff):x}:{R.randint(1, 0xffff):x}:{R.randint(1, 0xffff):x}:{R.randint(1, 0xffff):x}",
        lambda: f"2a00:1450:{R.randint(1, 0xffff):x}::{R.randint(1, 0xffff):x}",
        lambda: f"::ffff:192.0.2.{R.randint(1, 254)}",
        lambda: f"2001:db8:{R.randint(1, 0xffff):x}:{R.randint(1, 0xffff):x}::{R.randint(1, 0xff):x}",
    ]
    ip = R.choice(forms)()
    ctx = R.choice(["client {} connected", "ip={}", "[{}]:443", "http://[{}]/", "from {}.", '{{"ip":"{}"}}', "peer {} reset",
                    "IPv6-Adresse {}", "{}"])
    return [ip], ctx.format(ip)


def jwt():
    header = b64url(json.dumps({"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps({"sub": str(R.randint(1, 10**9)), "name": "Jane", "iat": R.randint(1_600_000_000, 1_800_000_000)},
                                separators=(",", ":")).encode())
    sig = b64url(bytes(R.getrandbits(8) for _ in range(32)))
    t = f"{header}.{payload}.{sig}"
    ctx = R.choice(["token={}", "id_token: {}", '{{"jwt":"{}"}}', "cookie session={}; Path=/", "{}", "next_page={} end",
                    "got {} from idp"])
    return [t], ctx.format(t)


def bearer():
    form = R.choice(["bearer", "bearer", "basic", "token"])
    if form == "bearer":
        t = token(R.randint(24, 48))
        ctx = R.choice(["Authorization: Bearer {}", "authorization=Bearer {}", "bearer {}", "-H 'Authorization: Bearer {}'",
                        '{{"headers":{{"Authorization":"Bearer {}"}}}}'])
    elif form == "basic":
        user = R.choice(["admin", "jane", "svc-backup", "ops"])
        t = base64.b64encode(f"{user}:{token(12)}".encode()).decode()
        ctx = R.choice(["Authorization: Basic {}", "authorization: basic {}", "Basic {}"])
    else:
        t = rand(HEX, 40)
        ctx = R.choice(["Authorization: Token {}", "authorization: token {}"])
    return [t], ctx.format(t)


def aws():
    if R.random() < 0.6:
        k = R.choice(["AKIA", "ASIA", "AROA", "AIDA"]) + rand(UPPER_DIGITS, 16)
        ctx = R.choice(["aws_access_key_id={}", "AccessKeyId: {}", '{{"AccessKeyId":"{}"}}', "key {} rotated", "{}",
                        "X-Amz-Credential={}/20240115/us-east-1/s3/aws4_request"])
        return [k], ctx.format(k)
    s = rand(ALNUM + "/+", 40)
    ctx = R.choice(["aws_secret_access_key = {}", "AWS_SECRET_ACCESS_KEY={}", '{{"SecretAccessKey": "{}"}}',
                    "aws_secret={}"])
    return [s], ctx.format(s)


def github():
    kind = R.choice(["ghp", "gho", "ghs", "ghu", "ghr", "pat"])
    t = f"github_pat_{rand(ALNUM, 22)}_{rand(ALNUM, 59)}" if kind == "pat" else f"{kind}_{rand(ALNUM, 36)}"
    ctx = R.choice(["GITHUB_TOKEN={}", "git clone https://{}@github.com/org/repo.git", "token: {}", "{}",
                    '{{"gh":"{}"}}', "using {} for ci"])
    return [t], ctx.format(t)


def slack():
    if R.random() < 0.75:
        t = f"xox{R.choice('bpaor')}-{rand('0123456789', 12)}-{rand('0123456789', 13)}-{rand(ALNUM, 24)}"
    else:
        t = f"https://hooks.slack.com/services/T{rand(UPPER_DIGITS, 8)}/B{rand(UPPER_DIGITS, 10)}/{rand(ALNUM, 24)}"
    ctx = R.choice(["SLACK_BOT_TOKEN={}", "posting with {}", '{{"webhook":"{}"}}', "{}", "slack token {} revoked"])
    return [t], ctx.format(t)


def api_key():
    forms = [
        lambda: ("OPENAI_API_KEY={}", f"sk-proj-{rand(ALNUM + '-_', 48)}"),
        lambda: ("anthropic key {}", f"sk-ant-api03-{rand(ALNUM + '-_', 40)}"),
        lambda: ("stripe={}", f"sk_live_{token(24)}"),
        lambda: ("pk {}", f"pk_test_{token(24)}"),
        lambda: ("maps key {}", f"AIza{rand(ALNUM + '-_', 35)}"),
        lambda: ("GITLAB_TOKEN={}", f"glpat-{token(20)}"),
        lambda: ("//registry.npmjs.org/:_authToken={}", f"npm_{token(36)}"),
        lambda: ("HF_TOKEN={}", f"hf_{token(34)}"),
        lambda: ("api_key={}", token(32)),
        lambda: ("X-API-Key: {}", rand(HEX, 32)),
        lambda: ('{{"client_secret": "{}"}}', token(40)),
        lambda: ("GET /v1/data?access_token={}&page=2", token(40)),
        lambda: ("password={}", R.choice(["hunter2", "S3cret!", "correct-horse", "p@ssw0rd", "Winter2024"])),
        lambda: ("passwd: {}", R.choice(["letmein", "qwerty123", "Tr0ub4dor&3"])),
        lambda: ("db_password={} host=db", R.choice(["pg_pass_42", "s3cr3t", "changeme"])),
        lambda: ("--token={}", token(32)),
        lambda: ("Cookie: sessionid={}", token(32)),
        lambda: ("X-Amz-Signature={}", rand(HEX, 64)),
        lambda: ('{{"apiKey":"{}","region":"eu"}}', token(32)),
        lambda: ("refresh_token: {}", token(48)),
        lambda: ("Ocp-Apim-Subscription-Key: {}", rand(HEX, 32)),
        lambda: ('{{"password": "{}"}}', "correct horse battery staple"),
    ]
    ctx, t = R.choice(forms)()
    return [t], ctx.format(t)


KINDS = {
    "email": email, "phone": phone, "card": card, "iban": iban_line, "us_ssn": ssn, "ipv4": ipv4, "ipv6": ipv6,
    "jwt": jwt, "bearer": bearer, "aws_access_key": aws, "github_token": github, "slack_token": slack, "api_key": api_key,
}

PREFIXES = ["", "", "", "INFO ", "2024-01-15T10:30:45Z ", "[worker-3] ", "level=warn msg=\"", "ERROR: ", "note: ",
            "Hinweis: ", "注意：", "tool result: "]
SUFFIXES = ["", "", "", " (retrying)", "\"", " — ok", " 完了", " …", " at step 3", ";"]


def wrap(line):
    return R.choice(PREFIXES) + line + R.choice(SUFFIXES)


# ---------------------------------------------------------------------------------------------
# Clean confounders: each returns a line that must pass unchanged

def bad_luhn(prefix, length):
    while True:
        n = prefix + rand("0123456789", length - len(prefix))
        if not luhn_ok(n):
            return n


def clean_lines():
    def iso():
        return f"2024-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{R.randint(0, 999):03d}Z"

    def epoch_s():
        return str(R.randint(1_600_000_000, 1_800_000_000))

    def epoch_ms():
        return str(R.randint(1_600_000_000_000, 1_800_000_000_000))

    def uuid():
        h = rand(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    gens = {
        "timestamp": lambda: R.choice([f"ts={iso()}", f"{iso()} request done", f"started {iso()[:19].replace('T', ' ')}",
                                       f"Date: Mon, 15 Jan 2024 {R.randint(0, 23):02d}:{R.randint(0, 59):02d}:00 GMT",
                                       f"{R.randint(1, 28):02d}.{R.randint(1, 12):02d}.2024 {R.randint(0, 23):02d}:{R.randint(0, 59):02d}",
                                       f"{R.randint(1, 12):02d}/{R.randint(1, 28):02d}/2024", f"am {R.randint(1, 28):02d}.{R.randint(1, 12):02d}.2023 geliefert",
                                       f"{iso()[:10]}", f"2024年{R.randint(1, 12)}月{R.randint(1, 28)}日 {R.randint(0, 23)}時"]),
        "epoch": lambda: R.choice([f"ts={epoch_s()}", f"timestamp {epoch_ms()}", f'{{"time":{epoch_ms()}}}', f"created_at={epoch_s()}",
                                   f"t={epoch_ms()}000000", f"expires {epoch_s()}", f"startTimeUnixNano={epoch_ms()}123456"]),
        "uuid": lambda: R.choice([f"request_id={uuid()}", f"trace {uuid()} done", f'{{"id":"{uuid()}"}}', f"/api/orders/{uuid()}",
                                  f"correlation-id: {uuid()}"]),
        "hex_id": lambda: R.choice([f"trace_id={rand(HEX, 32)}", f"span_id={rand(HEX, 16)}",
                                    f"traceparent: 00-{rand(HEX, 32)}-{rand(HEX, 16)}-01", f"container {rand(HEX, 64)}",
                                    f"object {rand(HEX, 24)} stored", f"etag W/\"{rand(HEX, 32)}\""]),
        "git_sha": lambda: R.choice([f"commit {rand(HEX, 40)}", f"HEAD is now at {rand(HEX, 7)} fix typo", f"sha={rand(HEX, 40)}",
                                     f"deployed {rand(HEX, 12)} to prod", f"image@sha256:{rand(HEX, 64)}"]),
        "version": lambda: R.choice([f"v{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 99)}", f"version {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 99)}",
                                     f"Chrome/{R.randint(100, 130)}.0.{R.randint(1000, 6999)}.{R.randint(10, 200)}",
                                     f"build {R.randint(10, 11)}.0.{R.randint(19000, 22999)}.{R.randint(100, 4000)}",
                                     f"app_version={R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                     f"release {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                     f"firmware {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(1, 20)}",
                                     f"v{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 99)}",
                                     f"libfoo-{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.tar.gz",
                                     f"{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}-beta",
                                     f"upgrade to {R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 9)}-rc.{R.randint(1, 5)}",
                                     f'{{"version":"{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}"}}']),
        "price": lambda: R.choice([f"${R.randint(1, 9999):,}.{R.randint(0, 99):02d}", f"€ {R.randint(1, 999)},{R.randint(0, 99):02d}",
                                   f"{R.randint(1, 999)}.{R.randint(100, 999)}.{R.randint(100, 999)},{R.randint(0, 99):02d} EUR",
                                   f"total: {R.randint(1, 99999)}.{R.randint(0, 99):02d} USD", f"¥{R.randint(100, 999999):,}",
                                   f"price={R.randint(1, 999)}.{R.randint(0, 99):02d}&qty={R.randint(1, 20)}"]),
        "luhn_fail": lambda: R.choice([f"ref {bad_luhn('4', 16)}", f"number {group(bad_luhn('5', 16), 4)}", f"id={bad_luhn('37', 15)}",
                                       f"{bad_luhn('6011', 16)} rejected", f"batch {group(bad_luhn('4', 16), 4, '-')}"]),
        "order_id": lambda: R.choice([f"ORD-2024-{R.randint(0, 999999):06d}", f"order #{R.randint(100000000, 999999999)}",
                                      f"order_id={bad_luhn('9', 16)}", f"invoice INV-{R.randint(10000, 99999)}-{R.randint(10, 99)}",
                                      f"tracking 1Z{rand(UPPER_DIGITS, 16)}", f"ticket JIRA-{R.randint(100, 99999)}",
                                      f"order {R.randint(10**11, 10**12)} shipped", f"customer {R.randint(1000, 999999)}"]),
        "ms_timestamp": lambda: R.choice([f"{epoch_ms()}", f"elapsed since {epoch_ms()}", f"event at {epoch_ms()} ms",
                                          f"ts_ms={epoch_ms()}"]),
        "ip_like_version": lambda: R.choice([f"v{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                             f"version {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                             f"release {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                             f"build={R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                             f"{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
                                             f"Version: {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}"]),
        "http": lambda: R.choice([f"GET /api/v1/users/{R.randint(1, 99999)} HTTP/1.1 200 {R.randint(100, 99999)}",
                                  f"POST /orders status=201 took {R.randint(1, 9999)}ms", f"localhost:{R.randint(1024, 65535)}",
                                  f"http://localhost:{R.randint(1024, 65535)}/metrics", f"upstream 127.0.0.1:{R.randint(1024, 65535)}",
                                  f"listening on 0.0.0.0:{R.randint(1024, 65535)}", f"status_code={R.choice([200, 404, 500, 503])}",
                                  f"content-length: {R.randint(0, 10**7)}", f"[::1]:{R.randint(1024, 65535)}"]),
        "metrics": lambda: R.choice([f"cpu={R.randint(0, 100)}.{R.randint(0, 9)}% mem={R.randint(1, 64)}.{R.randint(0, 9)}GiB",
                                     f"latency_p99={R.randint(1, 999)}.{R.randint(0, 999)}ms", f"size {R.randint(1, 999)}.{R.randint(0, 9)} MB",
                                     f"{R.randint(1, 100000)} rows in {R.randint(1, 9999)} ms", f"coords 52.{R.randint(1000, 9999)}, 13.{R.randint(1000, 9999)}",
                                     f"input_tokens={R.randint(1, 99999)} output_tokens={R.randint(1, 9999)}", f"max_tokens: {R.choice([1024, 4096, 8192])}",
                                     f"token_count={R.randint(1, 99999)}", f"tokenizer=cl100k_base", f"token_type=Bearer",
                                     f"password_policy=strict", f"secret_name=db-creds-{R.randint(1, 99)}", f"session_count={R.randint(1, 99)}",
                                     f"cache_key=user:{R.randint(1, 99999)}:profile", f"gen_ai.usage.input_tokens {R.randint(1, 99999)}"]),
        "code": lambda: R.choice([f"at com.example.Foo.bar(Foo.java:{R.randint(1, 999)})", f"File \"app.py\", line {R.randint(1, 999)}, in handle",
                                  f"SELECT * FROM orders WHERE id = {R.randint(1, 10**6)}", f"std::vector<int> size {R.randint(1, 999)}",
                                  f"panic: index out of range [{R.randint(1, 99)}] with length {R.randint(1, 99)}",
                                  f"pod api-{rand('bcdfghjklmnpqrstvwxz2456789', 9)}-{rand('bcdfghjklmnpqrstvwxz2456789', 5)} restarted",
                                  f"@Test func example{R.randint(1, 99)}()", f"@media (max-width: {R.randint(300, 1200)}px)",
                                  f"logo@2x.png loaded", f"npm install lodash@{R.randint(1, 4)}.{R.randint(0, 17)}.{R.randint(0, 21)}",
                                  f"ISBN 978-3-16-{R.randint(100000, 999999)}-0", f"0x{rand(HEX, 8)} segfault"]),
        "prose": lambda: R.choice([
            "The quick brown fox jumps over the lazy dog", "Bitte warten Sie einen Moment", "Le paiement a été accepté",
            "La solicitud fue procesada correctamente", "処理が完了しました", "请求已成功处理", "bearer of bad news arrived",
            "Basic information about the plan", "telemetry pipeline healthy", "cell phone policy updated", "the token bucket refilled",
            "password reset email sent", "rotate the secret weekly", "authorization denied for this resource",
            "session expired, please log in again", "user clicked the api key settings page", "search_customer_records",
            "tools/call get_weather", "execute_tool", "open invoices for account", "call back later", "fax machine jammed",
        ]) + R.choice(["", ".", f" ({R.randint(1, 99)} times)", f" at step {R.randint(1, 9)}"]),
        "numbers": lambda: R.choice([f"{R.randint(1, 9999)}", f"{R.randint(1, 99)}.{R.randint(0, 99)}", f"{R.randint(-999, -1)}",
                                     f"{R.randint(1, 999)} {R.randint(1, 999)}", f"1e{R.randint(1, 30)}", f"0.{rand('0123456789', 16)}",
                                     f"{R.randint(1, 9)},{R.randint(100, 999)},{R.randint(100, 999)}", f"+{R.randint(1, 99)}%",
                                     f"UTC+0{R.randint(1, 9)}00", f"{R.randint(1, 12)}:{R.randint(10, 59)} PM", f"{R.randint(1000, 9999)}-{R.randint(1000, 9999)}"]),
    }
    return gens


def main():
    out_dir = os.path.join(HERE, "Corpus")
    os.makedirs(out_dir, exist_ok=True)
    pii = []
    for kind, gen in KINDS.items():
        for _ in range(250):
            secrets, line = gen()
            line = wrap(line)
            assert "\t" not in line and "\n" not in line
            pii.append(f"{kind}\t{US.join(secrets)}\t{line}")
    gens = clean_lines()
    clean = []
    for category, gen in gens.items():
        for _ in range(160):
            line = R.choice(["", "", "INFO ", "[worker-1] ", "level=info msg="]) + gen()
            assert "\t" not in line and "\n" not in line
            clean.append(f"{category}\t{line}")
    with open(os.path.join(out_dir, "pii.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(pii) + "\n")
    with open(os.path.join(out_dir, "clean.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(clean) + "\n")
    print(f"pii lines: {len(pii)}, clean lines: {len(clean)}")


if __name__ == "__main__":
    main()
