#include "app/cli/cli.h"

#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "app/cli/commands.h"

namespace cartrelay::app::cli {
namespace {

namespace po = boost::program_options;

constexpr int kUsageError = 2;

struct Command {
  const char* name;
  const char* summary;
  // Adds command-specific options to the description.
  std::function<void(po::options_description&)> options;
  std::function<int(const po::variables_map&)> run;
};

std::string configOf(const po::variables_map& vm) { return vm["config"].as<std::string>(); }

std::string optionOr(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"run", "run the daemon in the foreground (stop with SIGTERM)", nullptr,
       [](const po::variables_map& vm) { return runCommand(configOf(vm)); }},
      {"check-config", "validate the configuration; prints each problem as section.key: message",
       nullptr, [](const po::variables_map& vm) { return checkConfigCommand(configOf(vm)); }},
      {"migrate", "apply missing database schema migrations", nullptr,
       [](const po::variables_map& vm) { return migrateCommand(configOf(vm)); }},
      {"keygen", "create missing key files (never overwrites existing keys)",
       [](po::options_description& d) {
         d.add_options()("key-dir", po::value<std::string>(),
                         "key directory (default: daemon.key_dir from the configuration)")(
             "group", po::value<std::string>(),
             "group allowed to read the keys (mode 0640); default: owner only (0600)");
       },
       [](const po::variables_map& vm) {
         return keygenCommand(configOf(vm), optionOr(vm, "key-dir"), optionOr(vm, "group"));
       }},
      {"version", "print the version", nullptr,
       [](const po::variables_map&) { return versionCommand(); }},
  };
  return kCommands;
}

void printUsage(std::ostream& out) {
  out << "usage: cartrelay COMMAND [--config PATH] [options]\n\ncommands:\n";
  for (const Command& c : commands()) {
    out << "  " << c.name << std::string(14 - std::strlen(c.name), ' ') << c.summary << "\n";
  }
  out << "\n`cartrelay COMMAND --help` describes a command's options.\n"
         "exit codes: 0 success, 1 failure, 2 usage or configuration error\n";
}

int runWithOptions(const Command& command, int argc, char** argv) {
  po::options_description desc(std::string("cartrelay ") + command.name + ": " + command.summary +
                               "\n\noptions");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->default_value(kDefaultConfigPath),
      "configuration file");
  if (command.options) command.options(desc);

  po::variables_map vm;
  try {
    // argv[1] is the command name; parse what follows it.
    po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "cartrelay " << command.name << ": " << e.what() << "\n"
              << "try: cartrelay " << command.name << " --help\n";
    return kUsageError;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  return command.run(vm);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    printUsage(std::cerr);
    return kUsageError;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(std::cout);
    return 0;
  }
  if (name == "--version") return versionCommand();
  for (const Command& command : commands()) {
    if (name == command.name) {
      try {
        return runWithOptions(command, argc, argv);
      } catch (const std::exception& e) {
        // Our code returns Status; this only catches a third-party surprise.
        std::cerr << "cartrelay " << name << ": internal error: " << e.what() << "\n";
        return 1;
      }
    }
  }
  std::cerr << "cartrelay: unknown command '" << name << "'\n\n";
  printUsage(std::cerr);
  return kUsageError;
}

}  // namespace cartrelay::app::cli
