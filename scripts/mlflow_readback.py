"""Read back what Scoreline wrote, with MLflow's own Python client (interoperability test).

Usage: python scripts/mlflow_readback.py <tracking_uri> <run_id> <model_name>
Prints one JSON object: the run (info, params, metrics, tags), its child runs, the metric history of
`rps`, the artifact listing and contents of model.json, and the registered model's versions and aliases.
"""
import json
import sys
import tempfile

from mlflow import MlflowClient


def main() -> None:
    uri, run_id, model_name = sys.argv[1:4]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run = client.get_run(run_id)
    children = client.search_runs(
        [run.info.experiment_id], filter_string=f"tags.`mlflow.parentRunId` = '{run_id}'"
    )
    artifacts = sorted(f.path for f in client.list_artifacts(run_id))
    with tempfile.TemporaryDirectory() as tmp:
        path = client.download_artifacts(run_id, "model/model.json", tmp)
        with open(path, encoding="utf-8") as f:
            model_json = json.load(f)
    champion = client.get_model_version_by_alias(model_name, "champion")
    versions = client.search_model_versions(f"name = '{model_name}'")
    out = {
        "experiment_name": client.get_experiment(run.info.experiment_id).name,
        "run": {
            "run_name": run.info.run_name,
            "status": run.info.status,
            "params": run.data.params,
            "metrics": run.data.metrics,
            "tags": {k: v for k, v in run.data.tags.items()},
        },
        "children": sorted(
            [{"run_name": c.info.run_name, "metrics": c.data.metrics, "status": c.info.status} for c in children],
            key=lambda c: c["run_name"],
        ),
        "rps_history": [[m.step, m.value] for m in client.get_metric_history(run_id, "rps")],
        "artifacts": artifacts,
        "model_json": model_json,
        "champion": {"version": champion.version, "run_id": champion.run_id, "tags": champion.tags},
        "versions": sorted(v.version for v in versions),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
