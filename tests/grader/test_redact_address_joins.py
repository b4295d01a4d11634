"""An e-mail address built from pieces in variables with the code's own text between them (grader/name_flow.py,
2026-12-05): `user + "@" + domain`, `f"{user}@{domain}"`, a template, a format, a join with "@". No literal holds
the address and the variables were joined with nothing between only, so the pieces had reached the model."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ('user = "priya.s"\ndomain = "gmail.com"\nprint(f"{user}@{domain}")\n', "python"),
        ('user = "priya.s"\ndomain = "gmail.com"\nprint(user + "@" + domain)\n', "python"),
        ("user = 'priya.s'\ndomain = 'gmail.com'\nprint('{}@{}'.format(user, domain))\n", "python"),
        ('user = "priya.s"\ndomain = "gmail.com"\nprint("{0}@{1}".format(user, domain))\n', "python"),
        ('user = "priya.s"\ndomain = "gmail.com"\nprint("%s@%s" % (user, domain))\n', "python"),
        ('user = "priya.s"\ndomain = "gmail.com"\nprint("@".join([user, domain]))\n', "python"),
        ('user = "priya"\nhost = "gmail"\ntld = "com"\nprint(f"{user}@{host}.{tld}")\n', "python"),
        (
            'const user = "priya.s";\nconst domain = "gmail.com";\nconsole.log(`${user}@${domain}`);\n',
            "javascript",
        ),
        (
            'const user = "priya.s";\nconst domain = "gmail.com";\nconsole.log([user, domain].join("@"));\n',
            "javascript",
        ),
        (
            'String user = "priya.s";\nString domain = "gmail.com";\nSystem.out.println(String.format("%s@%s", user, '
            "domain));\n",
            "java",
        ),
        (
            'String u = "priya.s";\nString d = "gmail.com";\nSystem.out.println(String.join("@", u, d));\n',
            "java",
        ),
        (
            'std::string user = "priya.s";\nstd::string domain = "gmail.com";\nstd::cout << user + "@" + domain;\n',
            "cpp",
        ),
    ],
)
def test_an_address_built_from_variables_is_redacted(code: str, language: str) -> None:
    shown = R.code(code, language).text
    assert "priya" not in shown and "gmail" not in shown, shown
    assert "@" in shown  # the code's own text stays


@pytest.mark.parametrize(
    "code",
    [
        'path = "data.csv"\nroot = "home"\nprint(root + "/" + path)\n',
        'host = "localhost"\nport = "8080"\nurl = f"http://{host}:{port}/"\n',
        'first = "a.b"\nsecond = "c.d"\nprint("{} {}".format(first, second))\n',
        'module = "os.path"\nfn = "join"\nprint(f"{module}.{fn}")\n',
        'user = "admin"\nhost = "localhost"\nprint(f"{user}@{host}")\n',
        'a = "x.y"\nb = "z"\nprint(f"{a}@{b}")\n',
        'local = "b" * 65\ndomain = "example"\nprint(local + "@" + domain)\n',
    ],
)
def test_joins_of_the_codes_own_values_stay(code: str) -> None:
    assert R.code(code, "python").text == code
