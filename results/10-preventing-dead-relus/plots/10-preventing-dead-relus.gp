# actbench figure "Claim 10: Positive bias, He init, lower learning rate and batch norm prevent dead ReLUs": 4 panels
#   panel 1: "Xavier init, no batch norm"
#   panel 2: "He init, no batch norm"
#   panel 3: "Xavier init, batch norm"
#   panel 4: "He init, batch norm"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/10-preventing-dead-relus.gp
# (writes plots/10-preventing-dead-relus.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/10-preventing-dead-relus.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "relu, bias_init=0"
$d1 << EOD
0.3 11.8055556 8.59375 13.8020833
1 71.0069444 68.2291667 73.4375
EOD
# panel 1, "relu, bias_init=0.1"
$d2 << EOD
0.3 3.99305556 2.34375 5.46875
1 63.0208333 61.9791667 63.8020833
EOD
# panel 2, "relu, bias_init=0"
$d3 << EOD
0.3 8.85416667 7.29166667 10.15625
EOD
# panel 2, "relu, bias_init=0.1"
$d4 << EOD
0.3 13.0208333 7.03125 17.4479167
1 100 NaN NaN
EOD
# panel 3, "relu, bias_init=0"
$d5 << EOD
0.3 0 0 0
1 0 0 0
EOD
# panel 3, "relu, bias_init=0.1"
$d6 << EOD
0.3 0 0 0
1 0 0 0
EOD
# panel 4, "relu, bias_init=0"
$d7 << EOD
0.3 0 0 0
1 0 0 0
EOD
# panel 4, "relu, bias_init=0.1"
$d8 << EOD
0.3 0 0 0
1 0 0 0
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,1000 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,10.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,1000 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/10-preventing-dead-relus.'.ext
set multiplot layout 2,2 title "Claim 10: Positive bias, He init, lower learning rate and batch norm prevent dead ReLUs" noenhanced font ",12"

# ---- panel 1: "Xavier init, no batch norm"
set title "Xavier init, no batch norm" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.3, 1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, bias_init=0" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, bias_init=0.1" noenhanced

# ---- panel 2: "He init, no batch norm"
set title "He init, no batch norm" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.3, 1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, bias_init=0" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, bias_init=0.1" noenhanced

# ---- panel 3: "Xavier init, batch norm"
set title "Xavier init, batch norm" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 6.00
set format x "%g"
set xtics (0.3, 1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d5 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, bias_init=0" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, bias_init=0.1 (on relu, bias_init=0's line)" noenhanced

# ---- panel 4: "He init, batch norm"
set title "He init, batch norm" noenhanced
set xlabel "learning rate" noenhanced
set ylabel "dead units (%)" noenhanced
set grid
unset label
set bmargin 6.00
set format x "%g"
set xtics (0.3, 1)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set yrange [-3:103]
set offsets graph 0.03, graph 0.03, 0, 0
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d7 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d8 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d7 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu, bias_init=0" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, bias_init=0.1 (on relu, bias_init=0's line)" noenhanced

unset multiplot
unset output
}
