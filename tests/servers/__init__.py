"""Local fake HTTP servers speaking the real wire formats of AI providers.

Standard library only.  Used by the integration tests, which drive the real
provider SDKs (openai, google-generativeai) against 127.0.0.1.
"""
