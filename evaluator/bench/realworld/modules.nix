# A NixOS-style module system workload over nixpkgs' lib: `services`
# service modules, each declaring typed options (bool, port, str, listOf,
# attrsOf submodule, either, nullOr, enum) with descriptions, and defining
# config through mkIf, mkMerge, mkDefault, mkOverride and mkForce across
# several modules, plus assertions and the option documentation list.
# The result is a small summary so that printing costs nothing; computing
# it forces the whole config, the assertions and the docs.
{
  libPath,
  services ? 100,
  settingsPerService ? 10,
}:
let
  lib = import (/. + libPath);
  inherit (lib)
    mkOption
    mkIf
    mkMerge
    mkDefault
    mkOverride
    mkForce
    types
    ;
  ids = lib.range 1 services;
  name = i: "svc${toString i}";

  # Declares one service's options and derives part of its config from them.
  serviceModule =
    i:
    { config, ... }:
    let
      cfg = config.services.${name i};
    in
    {
      options.services.${name i} = {
        enable = mkOption {
          type = types.bool;
          default = false;
          description = "Whether to run ${name i}.";
        };
        port = mkOption {
          type = types.port;
          default = 8000 + i;
          description = "Port ${name i} listens on.";
        };
        user = mkOption {
          type = types.str;
          default = name i;
          description = "User ${name i} runs as.";
        };
        logLevel = mkOption {
          type = types.enum [
            "debug"
            "info"
            "warn"
          ];
          default = "info";
          description = "Log level.";
        };
        extraArgs = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "Extra command-line arguments.";
        };
        timeout = mkOption {
          type = types.nullOr (types.either types.int types.str);
          default = null;
          description = "Timeout, in seconds or as a duration.";
        };
        settings = mkOption {
          description = "Named settings.";
          default = { };
          type = types.attrsOf (
            types.submodule (
              { name, ... }:
              {
                options = {
                  key = mkOption {
                    type = types.str;
                    default = name;
                    description = "The setting's key.";
                  };
                  value = mkOption {
                    type = types.either types.int types.str;
                    description = "The setting's value.";
                  };
                  enable = mkOption {
                    type = types.bool;
                    default = true;
                    description = "Whether the setting applies.";
                  };
                };
              }
            )
          );
        };
        commandLine = mkOption {
          type = types.str;
          readOnly = true;
          description = "The command line, computed.";
        };
      };

      config = mkMerge [
        {
          services.${name i}.commandLine = lib.concatStringsSep " " (
            [
              "/bin/${name i}"
              "--port=${toString cfg.port}"
              "--log=${cfg.logLevel}"
            ]
            ++ cfg.extraArgs
            ++ lib.mapAttrsToList (_: s: "--set=${s.key}=${toString s.value}") (
              lib.filterAttrs (_: s: s.enable) cfg.settings
            )
          );
        }
        (mkIf cfg.enable {
          assertions = [
            {
              assertion = cfg.port > 1024;
              message = "${name i} needs an unprivileged port";
            }
          ];
          users.${cfg.user} = {
            uid = 1000 + i;
            groups = [ "services" ];
          };
          services.${name i}.settings = lib.listToAttrs (
            map (j: lib.nameValuePair "opt${toString j}" { value = mkDefault (i * j); }) (
              lib.range 1 settingsPerService
            )
          );
        })
      ];
    };

  # Global options other modules define into.
  baseModule = {
    options = {
      assertions = mkOption {
        type = types.listOf (types.attrsOf types.unspecified);
        default = [ ];
        description = "Checks on the configuration.";
      };
      users = mkOption {
        default = { };
        description = "Users.";
        type = types.attrsOf (
          types.submodule {
            options = {
              uid = mkOption {
                type = types.int;
                description = "User id.";
              };
              groups = mkOption {
                type = types.listOf types.str;
                default = [ ];
                description = "Groups.";
              };
            };
          }
        );
      };
    };
  };

  # A host configuration: enables most services and overrides some values
  # at several priorities.
  hostModule = {
    services = lib.listToAttrs (
      map (
        i:
        lib.nameValuePair (name i) {
          enable = lib.mod i 5 != 0;
          port = mkOverride 900 (9000 + i);
          logLevel = mkIf (lib.mod i 3 == 0) "debug";
          extraArgs = [ "--host-${toString i}" ];
          timeout = if lib.mod i 2 == 0 then 30 else "1m";
          settings.opt1.value = mkForce "forced";
        }
      ) ids
    );
  };

  evaluated = lib.evalModules {
    modules = [
      baseModule
      hostModule
    ]
    ++ map serviceModule ids;
  };
  inherit (evaluated) config options;
  failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  docs = lib.optionAttrSetToDocList options;
in
{
  enabled = lib.length (lib.filter (i: config.services.${name i}.enable) ids);
  commandLines = lib.foldl' (n: i: n + lib.stringLength config.services.${name i}.commandLine) 0 ids;
  users = lib.length (lib.attrNames config.users);
  failedAssertions = failed;
  documentedOptions = lib.length docs;
  documentation = lib.foldl' (n: o: n + lib.stringLength (o.description or "")) 0 docs;
}
