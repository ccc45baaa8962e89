"""Fault injection: :mod:`.rules` (the model), :mod:`.cli`, :mod:`.middleware`, :mod:`.control`."""
