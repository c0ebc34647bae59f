{
  log = { level = "info"; format = "json"; };
  workers = 4;
}
