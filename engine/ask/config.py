"""Where the AI assistant is, if anywhere: a config file and environment variables.

Nothing is sent anywhere until a base URL and a model are configured. The file is
``ask.toml`` in the platform's config folder (``platformdirs.user_config_dir("lectio")``:
``~/.config/lectio/ask.toml`` on Linux; ``LECTIO_CONFIG_DIR`` moves the folder)::

    base_url = "http://localhost:11434/v1"   # any OpenAI-compatible endpoint
    model = "qwen2.5:3b"
    api_key_env = "OPENAI_API_KEY"           # the NAME of the variable holding the key
    timeout = 60                             # seconds to wait for each piece of the answer
    record = true                            # false: questions are not recorded for the author

The key itself is never in the file: only the name of the environment variable that holds it.
The environment wins over the file: ``LECTIO_AI_BASE_URL``, ``LECTIO_AI_MODEL``,
``LECTIO_AI_API_KEY`` (the key), ``LECTIO_ASK_RECORD`` (``0`` turns recording off).

The first time questions would go to an endpoint, the front end shows exactly what will be
sent and asks; :meth:`AskConfig.consent` remembers the answer per endpoint and model.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_DIR_ENV = "LECTIO_CONFIG_DIR"
BASE_URL_ENV = "LECTIO_AI_BASE_URL"
MODEL_ENV = "LECTIO_AI_MODEL"
API_KEY_ENV = "LECTIO_AI_API_KEY"
RECORD_ENV = "LECTIO_ASK_RECORD"
DEFAULT_TIMEOUT = 60.0


def config_dir() -> Path:
    env = os.environ.get(CONFIG_DIR_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("lectio", appauthor=False))


class ConfigError(ValueError):
    """The config file cannot be used (the message names the file)."""


@dataclass(frozen=True, slots=True)
class AskConfig:
    base_url: str = ""
    model: str = ""
    api_key: str = ""  # read from the environment, never from the file
    timeout: float = DEFAULT_TIMEOUT
    record: bool = True
    folder: Path | None = None

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def _consent_file(self) -> Path:
        return (self.folder or config_dir()) / "ask-consent"

    def consented(self) -> bool:
        """Whether the learner already agreed to send questions to this endpoint and model."""
        try:
            lines = self._consent_file().read_text(encoding="utf-8").splitlines()
        except OSError:
            return False
        return f"{self.base_url} {self.model}" in lines

    def consent(self) -> None:
        path = self._consent_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(f"{self.base_url} {self.model}\n")


def load_config() -> AskConfig:
    """The file (if any) under the environment's values. Raises :class:`ConfigError`."""
    folder = config_dir()
    path = folder / "ask.toml"
    data: dict[str, object] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        if "api_key" in data:
            raise ConfigError(
                f"{path}: api_key: never put the key in the file; "
                "api_key_env names the variable that holds it"
            )
    key_env = str(data.get("api_key_env") or "")
    try:
        timeout = float(data.get("timeout", DEFAULT_TIMEOUT))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{path}: timeout: a number of seconds expected") from None
    record_env = os.environ.get(RECORD_ENV, "").strip().lower()
    record = (
        bool(data.get("record", True))
        if not record_env
        else record_env not in {"0", "no", "false", "off"}
    )
    return AskConfig(
        base_url=os.environ.get(BASE_URL_ENV) or str(data.get("base_url") or ""),
        model=os.environ.get(MODEL_ENV) or str(data.get("model") or ""),
        api_key=os.environ.get(API_KEY_ENV) or (os.environ.get(key_env, "") if key_env else ""),
        timeout=timeout if timeout > 0 else DEFAULT_TIMEOUT,
        record=record,
        folder=folder,
    )
