"""Tests of approxmlir.tuner.executors.dask.connect: the Dask client and local cluster."""

import sys
import urllib.parse

import pytest

from approxmlir.tuner.executors.dask import DaskConnection, connect


def _host(address):
    return urllib.parse.urlparse(address).hostname


def test_local_cluster_listens_on_localhost_and_close_releases_it():
    pytest.importorskip("distributed")
    with connect(n_workers=1) as connection:
        assert isinstance(connection, DaskConnection) and connection.owns_client
        client, cluster = connection.client, connection.cluster
        info = client.scheduler_info()
        assert _host(client.scheduler.address) == "127.0.0.1"
        assert [_host(w) for w in info["workers"]] == ["127.0.0.1"]
        assert [w["nthreads"] for w in info["workers"].values()] == [1]
        assert _host(client.dashboard_link) == "127.0.0.1"
        # The workers are not daemonic, so evaluations may start processes there.
        assert client.run(lambda: __import__("multiprocessing").current_process().daemon) == {
            w: False for w in info["workers"]
        }
    assert connection.client is None and connection.cluster is None
    assert client.status == "closed" and cluster.status.name == "closed"
    connection.close()  # idempotent


def test_a_given_client_is_used_and_not_closed():
    distributed = pytest.importorskip("distributed")
    with connect(n_workers=1, cluster_options={"dashboard_address": None}) as owner:
        client = distributed.Client(owner.cluster, set_as_default=False)
        try:
            connection = connect("tcp://ignored:1", client=client)
            assert (connection.client, connection.cluster, connection.owns_client) == (client, None, False)
            connection.close()
            assert client.status == "running"
        finally:
            client.close()


def test_argument_checks(monkeypatch):
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match="n_workers must be at least 1"):
        connect(n_workers=0)
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match="optional 'distributed' package"):
        connect()


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
