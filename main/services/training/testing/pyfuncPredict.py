"""Test helper: MLflow's own client loads each model URI with mlflow.pyfunc.load_model and predicts the
fixtures read from stdin ({"models": [uri, ...], "fixtures": [{home, away, odds_home?, ...}]}).
Prints {"results": [[row, ...] per model]} as JSON (NaN as null)."""
import json
import math
import sys

import mlflow
import pandas as pd

request = json.load(sys.stdin)
df = pd.DataFrame(request["fixtures"])
results = []
for uri in request["models"]:
    out = mlflow.pyfunc.load_model(uri).predict(df)
    rows = out.to_dict("records")
    for row in rows:
        for k, v in row.items():
            if isinstance(v, float) and math.isnan(v):
                row[k] = None
    results.append(rows)
json.dump({"results": results}, sys.stdout)
