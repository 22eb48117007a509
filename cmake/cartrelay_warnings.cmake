# cartrelay_target_warnings(<target>): the project's warning set, applied per
# target so third-party headers keep their own (system) treatment.
function(cartrelay_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(CARTRELAY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
