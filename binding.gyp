{
  "targets": [
    {
      "target_name": "tcpconform_tun",
      "sources": ["native/tun.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"]
    },
    {
      "target_name": "tcpconform-agent",
      "type": "executable",
      "sources": [
        "native/agent/main.c",
        "native/agent/protocol.c",
        "native/agent/sockets.c",
        "native/agent/json.c",
        "native/agent/errno_name.c"
      ],
      "cflags": ["-Wall", "-Wextra", "-std=gnu11"]
    }
  ]
}
