# Per-module include roots: the boundaries of DESIGN.md's dependency rule, enforced by the compiler.
#
# A module's headers are reachable as "<module>/x.h" only through the directory
# ${PROJECT_BINARY_DIR}/include/<module>, which holds one symlink, <module> -> the module's source
# folder. nc_module_include_root() gives that directory to the module's library target as a PUBLIC
# include directory, so exactly the targets that link the module (the target_link_libraries lines,
# which follow the rule) can include its headers; an include the rule forbids (parser/ including
# a store/ header, the pipeline a server/ one) fails with "No such file or directory".
# tests/boundaries/ checks that it does. No target exports the repository root; cli/, tests/,
# bench/ and fuzz/ may depend on everything and add it privately.
function(nc_module_include_root target module)
  set(root ${PROJECT_BINARY_DIR}/include/${module})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${module})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${module} ${root}/${module} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${root}>)
endfunction()
