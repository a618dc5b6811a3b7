"""The provider types, and the built-in providers: their base URLs and where their API keys come from."""

from __future__ import annotations

import attrs

GEMINI = "gemini"
OPENROUTER = "openrouter"
OPENAI_COMPATIBLE = "openai-compatible"
PROVIDER_TYPES = (GEMINI, OPENROUTER, OPENAI_COMPATIBLE)


@attrs.frozen
class BuiltinProvider:
    """A provider that needs no `providers.<name>` entry: its type, base URL and key sources.

    The key is `apiKeys.<key_setting>` (snake_case attribute of ApiKeys; camelCase in the file), and
    the environment variables in `key_env`, the first one set winning, override it. `GOOGLE_API_KEY`
    is a source of the Gemini key because Google's own SDKs and examples read it.
    """

    type: str
    base_url: str
    key_setting: str
    key_env: tuple[str, ...]

    @property
    def hint(self) -> str:
        """How to give the key, for messages: `set GEMINI_API_KEY or apiKeys.gemini`."""
        head, *rest = self.key_setting.split("_")
        return f"set {self.key_env[0]} or apiKeys.{head + ''.join(p.title() for p in rest)}"


BUILTIN_PROVIDERS: dict[str, BuiltinProvider] = {
    GEMINI: BuiltinProvider(GEMINI, "https://generativelanguage.googleapis.com", "gemini",
                            ("GEMINI_API_KEY", "GOOGLE_API_KEY")),
    OPENROUTER: BuiltinProvider(OPENROUTER, "https://openrouter.ai/api/v1", "open_router", ("OPENROUTER_API_KEY",)),
}
