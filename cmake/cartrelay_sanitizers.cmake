# CARTRELAY_SANITIZE: ";"-separated sanitizer list, e.g. "address;undefined" or
# "thread". Empty (the default) builds without sanitizers. TSan and ASan do not mix.
set(CARTRELAY_SANITIZE "" CACHE STRING "Sanitizers to build with (address;undefined | thread)")
if(CARTRELAY_SANITIZE)
  if("thread" IN_LIST CARTRELAY_SANITIZE AND "address" IN_LIST CARTRELAY_SANITIZE)
    message(FATAL_ERROR "CARTRELAY_SANITIZE: thread and address cannot be combined")
  endif()
  list(JOIN CARTRELAY_SANITIZE "," _cartrelay_san)
  add_compile_options(-fsanitize=${_cartrelay_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # UBSan's vptr check needs the typeinfo of every polymorphic class it meets,
  # and Debian's libsoci_core.so does not export it for
  # soci::details::ref_counted_statement: any code that streams SQL into a
  # soci::session would fail to link. The other UBSan checks stay on.
  if("undefined" IN_LIST CARTRELAY_SANITIZE)
    add_compile_options(-fno-sanitize=vptr)
  endif()
  add_link_options(-fsanitize=${_cartrelay_san})
endif()
