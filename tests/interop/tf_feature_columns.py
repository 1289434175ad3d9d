# SPDX-License-Identifier: Apache-2.0
"""The feature-column spec file of `estimator --feature_columns` (JSON:
TF's calls by name) as real tf.compat.v1.feature_column columns, for the
interop tests and the benchmarks' TensorFlow peers."""
import tensorflow as tf


def tf_columns(spec, key):
    """The tf.compat.v1.feature_column columns `spec[key]` names: each
    column's function called with its keyword arguments, a column given to
    another by its name (crossed_column's keys: a column's name is that
    column, any other string a raw feature key)."""
    definitions = spec["columns"]
    built = {}

    def column(name):
        if name not in built:
            ((function, arguments),) = definitions[name].items()
            arguments = dict(arguments)
            for reference in ("categorical_column", "source_column"):
                if reference in arguments:
                    arguments[reference] = column(arguments[reference])
            if function == "crossed_column":
                arguments["keys"] = [column(k) if k in definitions else k for k in arguments["keys"]]
            built[name] = getattr(tf.compat.v1.feature_column, function)(**arguments)
        return built[name]

    return [column(name) for name in spec[key]]
