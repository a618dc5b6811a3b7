"""One error hierarchy, one table of exit codes: every error class has its code."""

from __future__ import annotations

import inspect

import pytest

from agentic_synth.domain import errors
from agentic_synth.domain.errors import EXIT_CODES, AgenticSynthError, exit_code_for

CLASSES = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, AgenticSynthError)]
EXPECTED = {"AgenticSynthError": 1, "UsageError": 2, "SchemaError": 2, "ConfigError": 2, "DataValidationError": 1,
            "ProviderError": 3, "BudgetExceeded": 4, "IncompleteGeneration": 5, "Interrupted": 130,
            "InvalidSetting": 2, "IntegrationError": 1}


def _instance(cls: type[AgenticSynthError]) -> AgenticSynthError:
    required = [p for p in inspect.signature(cls).parameters.values()
                if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    return cls(*["something went wrong"] * len(required))


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_error_class_is_in_the_exit_code_table(cls: type[AgenticSynthError]) -> None:
    assert cls in EXIT_CODES
    assert exit_code_for(_instance(cls)) == EXIT_CODES[cls] == cls.exit_code


def test_the_exit_codes_are_the_documented_ones() -> None:
    assert {c.__name__: code for c, code in EXIT_CODES.items()} == EXPECTED


def test_an_error_defined_elsewhere_takes_the_code_of_its_nearest_ancestor() -> None:
    class PluginSchemaProblem(errors.SchemaError):
        pass

    assert exit_code_for(PluginSchemaProblem("bad", "x")) == 2
    assert str(PluginSchemaProblem("bad", "x")) == "schema: x: bad"
