{
  "targets": [
    {
      "target_name": "tcpconform_tun",
      "sources": ["native/tun.c", "native/tun-device.c", "native/capture.c", "native/addon/support.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"]
    },
    {
      "target_name": "tcpconform_netns",
      "sources": ["native/netns.c", "native/capture.c", "native/addon/support.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"]
    },
    {
      "target_name": "tcpconform-agent",
      "type": "executable",
      "sources": [
        "native/agent/main.c",
        "native/agent/serve.c",
        "native/agent/listen.c",
        "native/agent/protocol.c",
        "native/agent/sockets.c",
        "native/agent/stream.c",
        "native/agent/kernel_state.c",
        "native/agent/options.c",
        "native/agent/json.c",
        "native/agent/errno_name.c"
      ],
      "cflags": ["-Wall", "-Wextra", "-std=gnu11"]
    }
  ]
}
