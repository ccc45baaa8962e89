"""The client side of ``cloud.callFunction``: calling another cloud function of the project."""

from .client import FunctionCallError, call_function

__all__ = ["FunctionCallError", "call_function"]
