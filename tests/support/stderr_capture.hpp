#pragma once
// Redirects file descriptor 2 (where skill::log writes) into a temporary file
// for the lifetime of the object, so a test can read back the log lines.
#include <fcntl.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace skill::test {

class StderrCapture {
  public:
    StderrCapture() {
        char name[] = "/tmp/skill-log-XXXXXX";
        fd_ = ::mkstemp(name);
        if (fd_ < 0) throw std::runtime_error("mkstemp failed");
        path_ = name;
        saved_ = ::dup(2);
        ::dup2(fd_, 2);
    }
    ~StderrCapture() {
        ::dup2(saved_, 2);
        ::close(saved_);
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    std::vector<std::string> lines() const {
        std::ifstream in(path_);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }

    /// Every line as JSON (lines that are not JSON objects are skipped).
    std::vector<boost::json::object> json_lines() const {
        std::vector<boost::json::object> out;
        for (auto& line : lines()) {
            boost::system::error_code ec;
            auto v = boost::json::parse(line, ec);
            if (!ec && v.is_object()) out.push_back(v.as_object());
        }
        return out;
    }

  private:
    int fd_ = -1;
    int saved_ = -1;
    std::string path_;
};

}  // namespace skill::test
