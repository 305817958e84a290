"""What the augmenters share: parameters, repr and the check of ``n``."""

import inspect
from numbers import Integral

from sklearn.utils._param_validation import (
    validate_parameter_constraints,
)


__all__ = ["AugmenterParams", "check_n"]


class AugmenterParams:
    """``get_params``, ``set_params`` and repr for augmenters (not estimators: no fit).

    ``clone`` rebuilds an object from ``get_params`` and a ``GridSearchCV`` reaches
    nested parameters through them; the repr shows the parameters that differ from
    their defaults, as scikit-learn's does, with ``_secret_params`` masked.
    """

    _secret_params = ()

    @classmethod
    def _get_param_names(cls):
        parameters = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in parameters if p.name != "self")

    def get_params(self, deep=True):
        """Get the parameters of this augmenter.

        Parameters
        ----------
        deep : bool, default=True
            Ignored; augmenters hold no nested estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set the parameters of this augmenter.

        Parameters
        ----------
        **params : dict
            Parameter names mapped to their new values.

        Returns
        -------
        self : object
            The augmenter.
        """
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        parts = []
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if name == "self":
                continue
            value = getattr(self, name)
            default = param.default
            if default is not param.empty and (
                value is default or repr(value) == repr(default)
            ):
                continue
            if name in self._secret_params and value is not None:
                parts.append(f"{name}='***'")
            else:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _validate_params(self):
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )


def check_n(n):
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}.")
    return int(n)
