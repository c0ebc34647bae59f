"${./probe-does-not-exist}"
