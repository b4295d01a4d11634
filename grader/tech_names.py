"""Names of technologies that a candidate says where a weaker introduction or a sign-off puts a person's name
(grader/introductions.py, grader/bylines.py, 2026-12-05): "it's Chrome again", "it's Redis again", "oh it's Docker
btw", "Cheers, Kubernetes. See you" talk about a tool, not about who speaks. Such a word in those slots is not read
as a name, so it is not replaced and not added to the names redacted everywhere (grader/self_named.py).

What counts (`tech_name`): a word of `TECH_NAMES` (browsers, systems, languages, databases, frameworks, libraries,
build and package tools, clouds, editors, services and assistants), any case, as written or with a plural "s"; and a
word shaped as a package's name: "py" then a consonant with six letters or more (`Pytest`, `Pydantic`), or ending in
"js", "db", "sql", "ql" or "ify" (`Nodejs`, `Influxdb`, `Mysql`, `Shopify`), or of three letters or more and no
vowel, which no name in these slots is (`Npm`, `Tsx`, `Nltk`). Names that are also common given names
(Ruby, Julia, Ada, Swift, Claude, Ray, Travis, Jackson) are not listed: a person of that name is
the more costly miss. The candidate's name on file is read in these slots whatever it is (grader/known_slots.py).
"""

from __future__ import annotations

import re

TECH_NAMES = frozenset(
    """
    chrome chromium firefox safari edge opera brave vivaldi arc ie explorer webkit gecko blink electron tauri
    windows linux ubuntu debian fedora centos rhel redhat alpine arch manjaro mint kali macos osx ios ipados android
    unix freebsd openbsd wsl wsl2 chromeos darwin posix
    python java javascript typescript kotlin scala golang haskell elixir erlang clojure perl php lua dart cobol
    fortran matlab racket ocaml fsharp rust zig nim groovy bash zsh fish powershell sql nosql graphql solidity
    assembly verilog vhdl prolog lisp scheme smalltalk objective coffeescript elm purescript reasonml wasm
    webassembly cuda opencl vulkan metal opengl directx jvm dotnet mono llvm gcc clang msvc
    redis postgres postgresql mysql mariadb sqlite mongo mongodb cassandra dynamo dynamodb elasticsearch
    opensearch neo4j couchdb couchbase firebase firestore supabase snowflake bigquery redshift clickhouse oracle
    cockroach cockroachdb memcached etcd influxdb timescale duckdb realm hbase hive presto trino druid pinecone
    react angular vue svelte django flask fastapi spring springboot rails laravel symfony express nestjs nextjs
    nuxt remix gatsby ember backbone jquery bootstrap tailwind node nodejs deno bun numpy pandas scipy pytorch
    torch tensorflow keras sklearn jax pydantic sqlalchemy celery pytest jest mocha vitest cypress playwright
    selenium puppeteer webpack vite babel eslint prettier rollup esbuild parcel turbopack gradle maven ant npm
    yarn pnpm pip conda anaconda poetry cargo rustup homebrew brew apt yum chocolatey nuget composer
    docker podman kubernetes kubectl minikube helm terraform ansible puppet chef vagrant jenkins circleci
    git github gitlab bitbucket jira confluence trello asana slack zoom teams meet skype discord notion figma
    postman insomnia nginx apache tomcat caddy haproxy envoy istio kafka rabbitmq zeromq nats pulsar spark hadoop
    airflow dagster prefect flink beam grafana prometheus datadog sentry splunk kibana logstash vercel netlify
    heroku render railway aws azure gcp lambda cloudflare cloudfront digitalocean linode openshift
    vscode vim neovim emacs nano intellij pycharm webstorm goland clion eclipse netbeans xcode sublime atom
    jupyter colab replit codepen leetcode hackerrank codeforces kaggle copilot chatgpt gpt openai anthropic gemini
    bard llama mistral ollama huggingface langchain cursor windsurf
    uvicorn gunicorn starlette httpx requests aiohttp asyncio trio hypothesis mypy ruff flake pylint isort
    tox nox jinja alembic psycopg boto pillow matplotlib seaborn plotly bokeh dash streamlit gradio scrapy
    beautifulsoup lxml opencv sympy networkx dask polars arrow parquet protobuf grpc thrift avro openapi
    swagger redux mobx zustand rxjs lodash axios moment dayjs d3 three threejs socket graphql apollo prisma
    mongoose sequelize typeorm knex hibernate junit mockito gson lombok guava netty vertx quarkus
    micronaut ktor flutter ionic cordova xamarin unity unreal godot blender
    excel word powerpoint outlook office sheets docs drive dropbox onedrive icloud gmail whatsapp telegram
    signal wechat twitter linkedin reddit youtube stackoverflow wikipedia spotify netflix uber airbnb stripe
    paypal shopify twilio sendgrid mailgun okta auth0 keycloak
    google amazon microsoft apple meta ibm intel amd nvidia arm qualcomm samsung sony dell lenovo
    sphinx werkzeug setuptools virtualenv venv ipython cython cpython pypy postcss sass less grunt
    gulp husky nodemon typer structlog quart hypercorn uvloop markdown mermaid prism valkey pandoc mkdocs tiktoken
    nltk onnx opentelemetry octokit webrtc websockets yargs chalk cheerio chokidar codemirror codecov terser tslint
    tsconfig typedoc vitepress webdriver webdriverio sinon qunit luxon faker twine certifi psutil jsdom jwt
    bcrypt coverage tslib pyyaml pytz tokio actix axum serde diesel clippy rustc golangci gin fiber cobra
    """.split()  # noqa: SIM905  # a word list reads better as text
)

# A word shaped as a package's or a product's name.
_SHAPED = re.compile(r"py[^aeiouy\W\d]\w{3,}|\w+(?:js|db|sql|ql)|\w{3,}ify|[^aeiouy\W\d]{3,}", re.IGNORECASE)


def tech_name(word: str) -> bool:
    """Whether `word` (any case) names a technology (see the module's rules)."""
    low = word.lower()
    return (
        low in TECH_NAMES
        or (low.endswith("s") and low[:-1] in TECH_NAMES)
        or _SHAPED.fullmatch(low) is not None
    )
