"""A LocalStack runtime-server plugin: the stock twisted gateway, bound to the configured host.

LocalStack 4.8.1's twisted server creates ``TCP4ServerEndpoint(reactor, port)`` without an
interface, so it listens on 0.0.0.0 whatever GATEWAY_LISTEN says. This module is imported only
inside LocalStack's venv (entry point ``localstack.runtime.server:twisted-loopback``, selected with
``GATEWAY_SERVER=twisted-loopback``).
"""

from __future__ import annotations

from typing import Any

from localstack import config
from localstack.aws.serving.twisted import TLSMultiplexerFactory
from localstack.runtime.server.core import RuntimeServer, RuntimeServerPlugin
from localstack.runtime.server.twisted import TwistedRuntimeServer
from rolo.serving.twisted import TwistedGateway
from twisted.internet import endpoints, reactor, ssl


class LoopbackTwistedRuntimeServer(TwistedRuntimeServer):  # type: ignore[misc]
    def register(
        self,
        gateway: Any,
        listen: list[Any],
        ssl_creds: tuple[str, str] | None = None,
    ) -> None:
        site = TwistedGateway(gateway)
        protocol_factory: Any = site
        if ssl_creds:
            cert_file_name, key_file_name = ssl_creds
            context_factory = ssl.DefaultOpenSSLContextFactory(key_file_name, cert_file_name)
            context_factory.getContext().use_certificate_chain_file(cert_file_name)
            protocol_factory = TLSMultiplexerFactory(context_factory, False, site)
        for host_and_port in listen:
            endpoint_type = (
                endpoints.TCP6ServerEndpoint
                if config.is_ipv6_address(host_and_port.host)
                else endpoints.TCP4ServerEndpoint
            )
            endpoint = endpoint_type(reactor, host_and_port.port, interface=host_and_port.host)
            endpoint.listen(protocol_factory)


class LoopbackTwistedServerPlugin(RuntimeServerPlugin):  # type: ignore[misc]
    name = "twisted-loopback"

    def load(self, *args: Any, **kwargs: Any) -> RuntimeServer:
        return LoopbackTwistedRuntimeServer()
